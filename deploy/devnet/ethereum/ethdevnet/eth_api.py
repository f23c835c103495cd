# SPDX-License-Identifier: Apache-2.0
"""The standard eth_* / net_* methods."""
from __future__ import annotations

import ast

from .chain import require
from .wire import EXECUTION_REVERTED, SERVER_ERROR, RpcError, address, data_bytes, invalid, tx_params

GAS_CAP = 10_000_000


class EthApi:
    """Mixin for Node: methods named rpc_<method>, each taking the params list."""

    def rpc_eth_chainId(self, p):
        return hex(self.chain.chain_id)

    def rpc_net_version(self, p):
        return str(self.chain.chain_id)

    def rpc_web3_clientVersion(self, p):
        return "bridge-eth-devnet/1 (py-evm via eth-tester)"

    def rpc_eth_syncing(self, p):
        return False

    def rpc_eth_accounts(self, p):
        return [a.lower() for a in self.chain.accounts]

    def rpc_eth_blockNumber(self, p):
        return hex(self.chain.head())

    def rpc_eth_gasPrice(self, p):
        base = self.chain.evm.get_canonical_head().base_fee_per_gas or 0
        return hex(max(10**9, 2 * base))

    def rpc_eth_getBlockByNumber(self, p):
        require(p, 1, "eth_getBlockByNumber")
        return self.chain.block_by_number(p[0], _flag(p, 1))

    def rpc_eth_getBlockByHash(self, p):
        require(p, 1, "eth_getBlockByHash")
        return self.chain.block_json(data_bytes(p[0], "block hash", 32), _flag(p, 1))

    def rpc_eth_getLogs(self, p):
        require(p, 1, "eth_getLogs")
        return self.logs.get_logs(p[0])

    def rpc_eth_getTransactionByHash(self, p):
        require(p, 1, "eth_getTransactionByHash")
        return self.chain.tx_json(data_bytes(p[0], "transaction hash", 32))

    def rpc_eth_getTransactionReceipt(self, p):
        require(p, 1, "eth_getTransactionReceipt")
        return self.receipts.receipt(data_bytes(p[0], "transaction hash", 32))

    def rpc_eth_getBlockReceipts(self, p):
        require(p, 1, "eth_getBlockReceipts")
        if isinstance(p[0], str) and len(p[0]) == 66:
            block = self.chain.block_json(data_bytes(p[0], "block hash", 32), False)
        else:
            block = self.chain.block_by_number(p[0], False)
        if block is None or block["number"] is None:
            return None
        return [self.receipts.receipt(data_bytes(h, "transaction hash", 32))
                for h in block["transactions"]]

    def rpc_eth_getBalance(self, p):
        require(p, 1, "eth_getBalance")
        return hex(self.chain.et.get_balance(address(p[0]), self._state(p, 1)))

    def rpc_eth_getTransactionCount(self, p):
        require(p, 1, "eth_getTransactionCount")
        if len(p) > 1 and p[1] == "pending":
            return hex(self.next_nonce(address(p[0])))
        return hex(self.chain.et.get_nonce(address(p[0]), self._state(p, 1)))

    def next_nonce(self, sender: str) -> int:
        """The pending nonce: counts transactions waiting in the pending block."""
        return self.chain.et.get_nonce(sender, "pending")

    def rpc_eth_getCode(self, p):
        require(p, 1, "eth_getCode")
        return self.chain.et.get_code(address(p[0]), self._state(p, 1))

    def rpc_eth_call(self, p):
        require(p, 1, "eth_call")
        tx = tx_params(p[0], self.chain.accounts[0])
        tx.setdefault("gas", GAS_CAP)
        return self._reverts(lambda: self.chain.et.call(tx, self._state(p, 1)))

    def rpc_eth_estimateGas(self, p):
        require(p, 1, "eth_estimateGas")
        tx = tx_params(p[0], self.chain.accounts[0])
        return hex(self._reverts(lambda: self.chain.et.estimate_gas(tx, self._state(p, 1))))

    def rpc_eth_sendTransaction(self, p):
        require(p, 1, "eth_sendTransaction")
        tx = tx_params(p[0], self.chain.accounts[0])
        if tx["from"] not in self.chain.accounts:
            raise RpcError(SERVER_ERROR, "unknown account: only the devnet's funded accounts can send")
        return self.send(tx)

    def rpc_eth_sendRawTransaction(self, p):
        require(p, 1, "eth_sendRawTransaction")
        raw = data_bytes(p[0], "raw transaction")
        if not raw:
            raise invalid("empty raw transaction")
        if not self.chain.automine:
            replaced = self._reverts(lambda: self._replace_pending(raw))
            if replaced is not None:
                return replaced
        return self._reverts(lambda: self._submit("send_raw_transaction", "0x" + raw.hex()))

    # -- helpers ---------------------------------------------------------------------------
    def send(self, tx: dict) -> str:
        """Send from a funded account; gas defaults to the estimate plus a margin."""
        if "nonce" not in tx:
            tx["nonce"] = self.next_nonce(tx["from"])
        if "gas" not in tx:
            estimate = self._reverts(lambda: self.chain.et.estimate_gas(dict(tx), "latest"))
            tx["gas"] = min(GAS_CAP, estimate * 5 // 4 + 10_000)
        return self._reverts(lambda: self._submit("send_transaction", tx))

    def _submit(self, name: str, arg):
        """eth-tester's send, mining a block for it only when automine is on. With automine
        off the transaction is applied to the pending block (nonces count up as on a real
        node) and waits for evm_mine; eth-tester's own automine-off mode cannot queue two
        transactions from one account."""
        from eth_tester import EthereumTester

        fn = getattr(EthereumTester, name)
        if not self.chain.automine:
            fn = fn.__wrapped__  # undecorated: no mining
        return fn(self.chain.et, arg)

    def _replace_pending(self, raw: bytes):
        """With automine off, a transaction whose sender and nonce match one waiting in the
        pending block replaces it, as a node's mempool does: only when both its max fee and its
        priority fee are at least 10 % higher (geth's rule; else "replacement transaction
        underpriced"). The pending block is rebuilt on the head with the other transactions in
        their order. Returns the new hash, or None when nothing waits at that nonce."""
        evm = self.chain.evm
        new = evm.get_vm().get_transaction_builder().decode(raw)
        waiting = list(evm.get_block().transactions)
        index = next((i for i, t in enumerate(waiting) if t.sender == new.sender and t.nonce == new.nonce), None)
        if index is None:
            return None
        old = waiting[index]
        if old.hash == new.hash:
            raise RpcError(SERVER_ERROR, "already known")
        if (new.max_fee_per_gas * 10 < old.max_fee_per_gas * 11
                or new.max_priority_fee_per_gas * 10 < old.max_priority_fee_per_gas * 11):
            raise RpcError(SERVER_ERROR, "replacement transaction underpriced")
        evm.header = evm.create_header_from_parent(evm.get_canonical_head())
        for t in waiting[:index] + [new] + waiting[index + 1:]:
            evm.apply_transaction(t)
        return "0x" + new.hash.hex()

    def _state(self, p, i):
        n = self.chain.state_block(p[i] if len(p) > i else "latest")
        return n

    @staticmethod
    def _reverts(fn):
        from eth_tester.exceptions import TransactionFailed, ValidationError

        try:
            return fn()
        except TransactionFailed as e:
            raise revert_error(e.args[0] if e.args else b"") from None
        except ValidationError as e:
            raise RpcError(SERVER_ERROR, str(e)) from None


def _flag(p: list, i: int) -> bool:
    """The "full transactions" boolean of the block methods (absent: false)."""
    if len(p) <= i:
        return False
    if not isinstance(p[i], bool):
        raise invalid("the second parameter must be a boolean")
    return p[i]


ERROR_SELECTOR = bytes.fromhex("08c379a0")  # Error(string)


def revert_error(reason) -> RpcError:
    """geth's shape: code 3, "execution reverted: <reason>", data = the raw revert bytes."""
    data = None
    if isinstance(reason, Exception) and reason.args:  # py-evm's Revert(bytes) from estimate_gas
        reason = reason.args[0]
    if isinstance(reason, str) and reason.startswith("execution reverted: b"):
        reason = reason[len("execution reverted: "):]
    if isinstance(reason, str) and reason.startswith(("b'", 'b"')):
        try:  # eth-tester's estimate_gas reports the revert bytes as their repr
            reason = ast.literal_eval(reason)
        except (ValueError, SyntaxError):
            pass
    if isinstance(reason, (bytes, bytearray)):
        data = "0x" + bytes(reason).hex()
        text = ""
        if reason[:4] == ERROR_SELECTOR:
            try:
                from eth_abi import decode

                text = decode(["string"], bytes(reason[4:]))[0]
            except Exception:  # noqa: BLE001 - malformed reason: keep the raw data only
                text = ""
    else:
        text = str(reason)
        if text.startswith("execution reverted"):
            text = text[len("execution reverted"):].lstrip(": ")
    return RpcError(EXECUTION_REVERTED, f"execution reverted: {text}" if text else "execution reverted", data)

// SPDX-License-Identifier: Apache-2.0
public import JSONRPC

/// Koinos JSON-RPC (koinos-jsonrpc gateway, koinos.md §6) over any `JSONRPCClient`.
///
/// One request per call (the gateway takes no batches). Every failure is a `KoinosError`: chain
/// failures keep the chain's code, message and logs; malformed answers never crash.
public struct KoinosRPCClient: Sendable {
    public let client: JSONRPCClient

    public init(client: JSONRPCClient) {
        self.client = client
    }

    public init(transport: any JSONRPCTransport) {
        self.init(client: JSONRPCClient(transport: transport))
    }

    /// Calls `method` with an object of params, mapping every error to `KoinosError`.
    public func call(_ method: String, _ params: [String: JSONValue] = [:]) async throws(KoinosError) -> JSONValue {
        do {
            let result = try await client.call(method, .object(params))
            guard case .object = result else {
                throw KoinosError.malformedResponse("result of \(method) is not an object")
            }
            return result
        } catch let error as KoinosError {
            throw error
        } catch let error as JSONRPCClientError {
            throw KoinosError(error)
        } catch {
            throw KoinosError.unreachable(String(describing: error))
        }
    }

    public func chainID() async throws(KoinosError) -> [UInt8] {
        let id = try KoinosJSON.decodeBytes(try await call("chain.get_chain_id")["chain_id"], "chain_id")
        guard id.count == 34 else { throw .malformedResponse("chain_id is not a 34-byte multihash") }
        return id
    }

    public func headInfo() async throws(KoinosError) -> KoinosHeadInfo {
        try KoinosHeadInfo(json: try await call("chain.get_head_info"))
    }

    /// The account's state nonce (0 for an unknown account).
    public func accountNonce(_ account: [UInt8]) async throws(KoinosError) -> UInt64 {
        let raw = try KoinosJSON.decodeBytes(try await call("chain.get_account_nonce", ["account": KoinosJSON.address(account)])["nonce"], "nonce")
        do { return try KoinosNonce.decode(raw) } catch { throw .malformedResponse(error.description) }
    }

    /// The account's available mana (0 when the answer is `{}`).
    public func accountRC(_ account: [UInt8]) async throws(KoinosError) -> UInt64 {
        try KoinosJSON.decodeUInt64(try await call("chain.get_account_rc", ["account": KoinosJSON.address(account)])["rc"], "rc")
    }

    /// The highest pending nonce in the mempool, nil when nothing is pending for `payee`.
    public func pendingNonce(_ payee: [UInt8]) async throws(KoinosError) -> UInt64? {
        let result = try await call("mempool.get_pending_nonce", ["payee": KoinosJSON.address(payee)])
        guard let value = result["nonce"] else { return nil }
        let raw = try KoinosJSON.decodeBytes(value, "nonce")
        do { return try KoinosNonce.decode(raw) } catch { throw .malformedResponse(error.description) }
    }

    /// The nonce the next transaction of `account` must carry: (pending nonce, else state nonce) + 1.
    public func nextNonce(_ account: [UInt8]) async throws(KoinosError) -> UInt64 {
        if let pending = try await pendingNonce(account) { return pending &+ 1 }
        return try await accountNonce(account) &+ 1
    }

    /// Runs a read-only entry point against head state; returns the result bytes (empty when absent).
    public func readContract(_ contractID: [UInt8], entryPoint: UInt32, args: [UInt8]) async throws(KoinosError) -> [UInt8] {
        var params: [String: JSONValue] = ["contract_id": KoinosJSON.address(contractID), "entry_point": .int(Int64(entryPoint))]
        if !args.isEmpty { params["args"] = KoinosJSON.bytes(args) }
        return try KoinosJSON.decodeBytes(try await call("chain.read_contract", params)["result"], "result")
    }

    /// Submits a signed transaction with `broadcast: true` and returns its receipt.
    public func submitTransaction(_ transaction: KoinosTransaction, broadcast: Bool = true) async throws(KoinosError) -> KoinosTransactionReceipt {
        let result = try await call("chain.submit_transaction", ["transaction": transaction.json, "broadcast": .bool(broadcast)])
        guard let receipt = result["receipt"] else { throw .malformedResponse("submit_transaction returned no receipt") }
        return try KoinosTransactionReceipt(json: receipt)
    }

    /// Blocks `[startHeight, startHeight + count)` on the branch of `headBlockID`.
    public func blocksByHeight(
        headBlockID: [UInt8], startHeight: UInt64, count: UInt32, returnBlock: Bool = true, returnReceipt: Bool = true
    ) async throws(KoinosError) -> [KoinosBlockItem] {
        let result = try await call("block_store.get_blocks_by_height", [
            "head_block_id": KoinosJSON.id(headBlockID), "ancestor_start_height": KoinosJSON.uint64(startHeight),
            "num_blocks": .int(Int64(count)), "return_block": .bool(returnBlock), "return_receipt": .bool(returnReceipt),
        ])
        return try (result["block_items"]?.arrayValue ?? []).map { v throws(KoinosError) in try KoinosBlockItem(json: v) }
    }

    /// Included transactions among `ids`; unknown (or only pending) ids are left out.
    public func transactionsByID(_ ids: [[UInt8]]) async throws(KoinosError) -> [KoinosTransactionItem] {
        let result = try await call("transaction_store.get_transactions_by_id", ["transaction_ids": .array(ids.map(KoinosJSON.id))])
        return try (result["transactions"]?.arrayValue ?? []).map { v throws(KoinosError) in try KoinosTransactionItem(json: v) }
    }
}

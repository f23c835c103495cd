// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeSigning
import BridgeTesting
import ChainCrypto
import CurlTransport
import Ethereum
import Foundation
import JSONRPC
import ProcessTestSupport
import Synchronization

/// The real devnet for the sender's tests: its bridge has three validators, the first of which
/// (eth-tester's funded account 1, private key 2) is also the relayer that sends.
final class SenderDevnet: Sendable {
    static func key(_ last: UInt8) -> Secp256k1.PrivateKey { try! Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 0, count: 31) + [last]) }
    static let validatorKeys = [key(2), key(0xa1), key(0xa2)]
    static func address(_ key: Secp256k1.PrivateKey) -> [UInt8] { EthereumAddress(publicKey: key.publicKey).bytes }

    private static let starting = Task { try await SenderDevnet() }
    private static let started = Mutex<SenderDevnet?>(nil)

    /// One devnet for `DevnetSenderTests` only, terminated when the test process exits. That suite
    /// pauses its mining and uses the relayer key's nonces, so another suite (which runs in
    /// parallel) must start its own with `SenderDevnet()` and stop it.
    static func shared() async throws -> SenderDevnet {
        let devnet = try await starting.value
        let first = started.withLock { slot in
            defer { slot = devnet }
            return slot == nil
        }
        if first { atexit { SenderDevnet.started.withLock { $0?.process.terminate() } } }
        return devnet
    }

    let process: EthereumDevnetProcess
    let rpc: EthereumRPCClient
    let url: String
    let chainID: UInt64
    let bridge: [UInt8]
    let wrapped: [UInt8]
    let bridgeChainID: UInt32

    init() async throws {  // also started on its own by suites that pause nothing of the sender's (DevnetBridgeEventTests)
        let validators = Self.validatorKeys.map { EthereumAddress(publicKey: $0.publicKey).checksummed }.joined(separator: ",")
        process = try await EthereumDevnetProcess.start(
            arguments: ["--validators", validators, "--finality-depth", "2"], lifetime: 900,
            logPath: NSTemporaryDirectory() + "eth-sender-devnet-\(UUID().uuidString).log")
        let ready = process.ready
        guard let chain = ready["chain_id"] as? Int, let bridgeText = ready["bridge"] as? String, let wrappedText = ready["wrapped_token"] as? String,
              let bridgeChain = (ready["bridge_chain_id"] as? Int).flatMap({ UInt32(exactly: $0) }), let bridge = ChainHex.decode(bridgeText), let wrapped = ChainHex.decode(wrappedText)
        else { throw DevnetError("unexpected devnet ready line \(ready)") }
        url = process.rpc
        rpc = EthereumRPCClient(transport: CurlHTTPTransport(url: process.rpc))
        chainID = UInt64(chain)
        self.bridge = bridge
        self.wrapped = wrapped
        bridgeChainID = bridgeChain
    }

    /// A v2 transfer of `value` wrapped-token units (8 decimals, minted on completion), signed by
    /// the validators at `signers`, expiring an hour from now.
    func transfer(id: String, relayer: [UInt8], recipient: [UInt8], token: [UInt8]? = nil, value: UInt64, signers: [Int] = [0, 1, 2]) throws -> CompletableTransfer {
        let message = EthereumTransferMessage(
            profile: .v2, koinosTransactionID: [0x12, 0x20] + SecureRandom.bytes(32), operationID: 1, token: token ?? wrapped, relayer: relayer,
            recipient: recipient, value: value, bridge: bridge, expiration: SystemBridgeClock().nowMilliseconds + 3_600_000, chainID: bridgeChainID)
        let signatures = try signers.map { i in
            ValidatorSignature(validator: Self.address(Self.validatorKeys[i]), signature: try EthereumSignature.sign(digest: message.digest, key: Self.validatorKeys[i]))
        }
        return CompletableTransfer(id: id, message: message, signatures: signatures, quorumAtMs: 0)
    }

    func sender(key: Secp256k1.PrivateKey, store: any EthereumDeliveryStore, clock: VirtualClock, logs: CapturedLogs? = nil) -> EthereumSender {
        var c = EthereumSenderConfiguration(bridge: bridge, profile: .v2, chainID: chainID, key: key, maxFeePerGas: 50_000_000_000, maxPriorityFeePerGas: 2_000_000_000)
        c.finality = .confirmations(2)
        c.bumpAfterMs = 30_000
        return EthereumSender(configuration: c, rpc: rpc, store: store, clock: clock, logger: (logs ?? CapturedLogs()).logger())
    }

    func balance(of owner: [UInt8], token: [UInt8]? = nil) async throws -> UInt64 {
        let call = ABIEncoder.call(ABIFunction(name: "balanceOf", parameters: [.address]), [.address(owner)])
        guard case .uint(let w)? = try ABIDecoder.decode([.uint(256)], from: try await rpc.call(to: token ?? wrapped, data: call)).first, let v = w.uint64 else {
            throw DevnetError("balanceOf answer")
        }
        return v
    }

    /// `pause(signatures, expiration)` / `unpause(…)` signed by validators 0 and 1 (the contract's
    /// shared admin nonce, read first), sent from eth-tester's funded account 0.
    func setPaused(_ paused: Bool) async throws {
        let nonceCall = ABIEncoder.call(ABIFunction(name: "nonce", parameters: []), [])
        guard case .uint(let w)? = try ABIDecoder.decode([.uint(256)], from: try await rpc.call(to: bridge, data: nonceCall)).first, let nonce = w.uint64 else {
            throw DevnetError("nonce answer")
        }
        let expiration = SystemBridgeClock().nowMilliseconds + 3_600_000
        let message = AdminActionMessage(
            profile: .v2, action: .setPause, target: .pause(paused), nonce: nonce, contract: bridge, expiration: expiration, chain: bridgeChainID)
        let signatures = try [0, 1].map { ABIValue.bytes(try EthereumSignature.sign(digest: message.ethereumDigest, key: Self.validatorKeys[$0])) }
        let data = ABIEncoder.call(ABIFunction(name: paused ? "pause" : "unpause", parameters: [.array(.bytes), .uint(256)]),
                                   [.array(signatures), .uint(ABIWord(expiration))])
        _ = try await rpc.rpc.call("eth_sendTransaction", .array([.object([
            "from": .string(ChainHex.encode(Self.address(Self.key(1)))), "to": .string(ChainHex.encode(bridge)),
            "data": .string(HexData.encode(data)), "gas": .string("0x30d40"),
        ])]))
    }

    /// Sends 1 ETH from eth-tester's funded account 0 (private key 1) to `account`.
    func fund(_ account: [UInt8]) async throws {
        _ = try await rpc.rpc.call("eth_sendTransaction", .array([.object([
            "from": .string(ChainHex.encode(Self.address(Self.key(1)))), "to": .string(ChainHex.encode(account)),
            "value": .string("0xde0b6b3a7640000"),
        ])]))
    }

    func mine(_ blocks: Int = 1) async throws { _ = try await rpc.rpc.call("evm_mine", .array([.int(Int64(blocks))])) }

    func setAutomine(_ on: Bool) async throws { _ = try await rpc.rpc.call("evm_setAutomine", .array([.bool(on)])) }

    /// The `input` of a transaction as the node reports it.
    func input(of hash: [UInt8]) async throws -> [UInt8] {
        let tx = try await rpc.rpc.call("eth_getTransactionByHash", .array([.string(HexData.encode(hash))]))
        guard let text = tx["input"]?.stringValue else { throw DevnetError("no input in \(tx)") }
        return try HexData.decode(text, field: "input")
    }
}

extension VirtualClock {
    /// A clock the test moves, starting at the wall clock's now (the devnet's transactions expire in real time).
    static func startingNow() -> VirtualClock { VirtualClock(startMilliseconds: SystemBridgeClock().nowMilliseconds) }
}

// SPDX-License-Identifier: Apache-2.0
import CurlTransport
import Foundation
import ProcessTestSupport
import JSONRPC

/// The real Ethereum devnet (py-evm via eth-tester, deploy/devnet/ethereum/start) on port 0.
///
/// Tests that need it fail with a clear message when it cannot start, unless BRIDGE_SKIP_DEVNET=1.
final class Devnet: @unchecked Sendable {
    static let skipped = ProcessInfo.processInfo.environment["BRIDGE_SKIP_DEVNET"] == "1"

    private let process: EthereumDevnetProcess
    let rpcURL: String
    let chainID: UInt64
    let bridge: String
    let token: String
    let weth: String
    let v1Events: String
    let deployBlock: UInt64
    let rpc: JSONRPCClient

    /// Starts the devnet and waits (up to 240 s: the first run creates its venv) for its ready line.
    static func start(_ extra: [String] = [], lifetime: Int = 300) async throws -> Devnet {
        let process = try await EthereumDevnetProcess.start(
            arguments: extra, lifetime: lifetime, logPath: NSTemporaryDirectory() + "eth-devnet-\(UUID().uuidString).log")
        return try Devnet(process: process)
    }

    private init(process: EthereumDevnetProcess) throws {
        let ready = process.ready
        guard let rpc = ready["rpc"] as? String, let chain = ready["chain_id"] as? Int, let bridge = ready["bridge"] as? String,
              let token = ready["token"] as? String, let weth = ready["weth"] as? String, let v1 = ready["v1_events"] as? String,
              let deploy = ready["bridge_deploy_block"] as? Int
        else { throw DevnetError("unexpected devnet ready line \(ready)") }
        self.process = process
        rpcURL = rpc
        chainID = UInt64(chain)
        self.bridge = bridge
        self.token = token
        self.weth = weth
        v1Events = v1
        deployBlock = UInt64(deploy)
        self.rpc = JSONRPCClient(transport: CurlHTTPTransport(url: rpc))
    }

    /// One lock transaction (devnet_lock / devnet_lockV1) and what it emitted.
    struct Lock {
        let txHash: String
        let blockNumber: UInt64
        let logIndexes: [UInt64]
    }

    func lock(_ options: [String: JSONValue] = [:], v1: Bool = false) async throws -> Lock {
        let r = try await rpc.call(v1 ? "devnet_lockV1" : "devnet_lock", .array([.object(options)]))
        guard let tx = r["tx_hash"]?.stringValue, case .int(let block)? = r["block_number"], let idx = r["log_indexes"]?.arrayValue else {
            throw DevnetError("unexpected devnet_lock answer \(r)")
        }
        return Lock(txHash: tx.lowercased(), blockNumber: UInt64(block), logIndexes: idx.compactMap { if case .int(let i) = $0 { UInt64(i) } else { nil } })
    }

    func mine(_ blocks: Int) async throws {
        _ = try await rpc.call("evm_mine", .array([.int(Int64(blocks))]))
    }

    func finalized() async throws -> UInt64 {
        let b = try await rpc.call("eth_getBlockByNumber", .array([.string("finalized"), .bool(false)]))
        guard let n = b["number"]?.stringValue, let v = UInt64(n.dropFirst(2), radix: 16) else { throw DevnetError("no finalized block") }
        return v
    }

    /// Stops the devnet (SIGTERM, then SIGKILL).
    func stop() async { await process.stop() }

    /// Sends SIGTERM without waiting (for an exit handler).
    func terminate() { process.terminate() }
}

struct DevnetError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

// SPDX-License-Identifier: Apache-2.0
public import Libp2pHost
public import Multiformats
import Primitives

/// What a Koinos node checks of every new peer (koinos.md §1.4), run by the relay on the Koinos
/// nodes it connects to: the identify protocol version, then `GetChainID` (must equal ours),
/// then `GetHeadBlock`. A refusal names its reason; the caller disconnects.
public enum KoinosHandshake {
    /// What the peer said and what was decided.
    public struct Report: Sendable, Equatable {
        public var peer: PeerID
        public var protocolVersion: String?
        public var agentVersion: String?
        public var chainID: [UInt8]?
        public var headID: [UInt8]?
        public var headHeight: UInt64?
        /// nil: accepted.
        public var refusal: String?

        public var accepted: Bool { refusal == nil }
    }

    /// Step 1 of §1.4: `koinos/p2p/<semver>` passes; any other non-empty version is a protocol
    /// mismatch; an absent or empty one is tolerated (as koinos-p2p does, as 0.0.0).
    public static func versionProblem(_ version: String?) -> String? {
        guard let version, !version.isEmpty else { return nil }
        let prefix = "koinos/p2p/"
        guard version.hasPrefix(prefix) else { return "protocol version mismatch: \(version.prefix(64))" }
        let parts = version.dropFirst(prefix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else {
            return "protocol version is not koinos/p2p/<major.minor.patch>: \(version.prefix(64))"
        }
        return nil
    }

    /// Step 2: the chain id must be ours.
    public static func chainIDProblem(_ theirs: [UInt8], expected: [UInt8]) -> String? {
        theirs == expected ? nil : "chain id mismatch: the peer is on \(hex(theirs.prefix(8)))…, we are on \(hex(expected.prefix(8)))…"
    }

    /// Runs the handshake with a connected `peer`: waits up to `identifyWait` for its identify
    /// answer (koinos-p2p retries every 50 ms for 5 s), then the two peer-RPC calls.
    public static func run(
        with peer: PeerID, on host: Libp2pHost, expectedChainID: [UInt8], identifyWait: Duration = .seconds(5),
        callTimeout: Duration = .seconds(6)
    ) async -> Report {
        var report = Report(peer: peer)
        let deadline = ContinuousClock.now + identifyWait
        while ContinuousClock.now < deadline {
            if let info = await host.peerInfo(peer) {
                report.protocolVersion = info.protocolVersion
                report.agentVersion = info.agentVersion
                break
            }
            try? await Task.sleep(for: .milliseconds(5))  // koinos-p2p polls every 50 ms; sooner costs nothing here
        }
        if let problem = versionProblem(report.protocolVersion) { return refused(report, problem) }
        switch await call(.getChainID, peer, host, callTimeout) {
        case .failure(let problem): return refused(report, "GetChainID failed: \(problem)")
        case .success(let reply):
            guard case .bytes(let id)? = reply["ID"] else { return refused(report, "GetChainID answered without an ID") }
            report.chainID = id
            if let problem = chainIDProblem(id, expected: expectedChainID) { return refused(report, problem) }
        }
        switch await call(.getHeadBlock, peer, host, callTimeout) {
        case .failure(let problem): return refused(report, "GetHeadBlock failed: \(problem)")
        case .success(let reply):
            guard case .bytes(let id)? = reply["ID"], let height = reply["Height"]?.unsignedValue else {
                return refused(report, "GetHeadBlock answered without ID and Height")
            }
            report.headID = id
            report.headHeight = height
        }
        return report
    }

    private static func call(_ request: PeerRPCRequest, _ peer: PeerID, _ host: Libp2pHost, _ timeout: Duration) async -> Result<MessagePackValue, CallProblem> {
        do {
            switch try await KoinosPeerRPCClient.call(request, to: peer, on: host, timeout: timeout) {
            case .reply(let value): return .success(value)
            case .error(let message): return .failure(CallProblem(text: "the peer answered an error: \(message.prefix(200))"))
            }
        } catch {
            return .failure(CallProblem(text: "\(error)"))
        }
    }

    struct CallProblem: Error, CustomStringConvertible {
        var text: String
        var description: String { text }
    }

    private static func refused(_ report: Report, _ reason: String) -> Report {
        var out = report
        out.refusal = reason
        return out
    }

    private static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        HexCodec.encode(bytes, prefix: false)
    }
}

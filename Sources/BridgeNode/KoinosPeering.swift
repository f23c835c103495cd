// SPDX-License-Identifier: Apache-2.0
import KoinosP2P
import Libp2pHost
import Logging
import Multiformats
import ServiceLifecycle
import Synchronization

/// The relay as a Koinos client: dials `p2p.koinos_peers`, runs the Koinos handshake on each
/// (identify protocol version, GetChainID equal to ours, GetHeadBlock), disconnects a node that
/// fails it with the reason logged, and re-dials every `interval` (a refused node only after
/// `refusedRetry`). The last report per node is what `/v1/peers` shows.
final class KoinosPeering: Service, Sendable {
    let host: Libp2pHost
    let addresses: [Multiaddr]
    let chainID: [UInt8]
    let interval: Duration
    let refusedRetry: Duration
    let logger: Logger
    private let reports = Mutex<[PeerID: (report: KoinosHandshake.Report, at: ContinuousClock.Instant)]>([:])

    init(
        host: Libp2pHost, addresses: [Multiaddr], chainID: [UInt8], interval: Duration = .seconds(30), refusedRetry: Duration = .seconds(600),
        logger: Logger
    ) {
        self.host = host
        self.addresses = addresses
        self.chainID = chainID
        self.interval = interval
        self.refusedRetry = refusedRetry
        self.logger = logger
    }

    func run() async throws {
        guard !addresses.isEmpty else {
            try? await gracefulShutdown()  // nothing to dial; a service group service must not end early
            return
        }
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                for address in self.addresses where !Task.isCancelled { await self.visit(address) }
                try await Task.sleep(for: self.interval)
            }
        }
    }

    /// The last handshake report of the node at `peer`, if one ran.
    func report(for peer: PeerID) -> KoinosHandshake.Report? { reports.withLock { $0[peer]?.report } }

    private func visit(_ address: Multiaddr) async {
        guard let expected = address.peerID else { return }
        let last = reports.withLock { $0[expected] }
        if let last, !last.report.accepted, ContinuousClock.now - last.at < refusedRetry { return }
        let connected = await host.connectedPeers().contains(expected)
        if connected, last?.report.accepted == true { return }
        let peer: PeerID
        do {
            peer = try await host.connect(address)
        } catch {
            logger.debug("Cannot reach a Koinos peer", metadata: ["p2p.address": "\(address)", "error": "\(error)"])
            return
        }
        let report = await KoinosHandshake.run(with: peer, on: host, expectedChainID: chainID)
        let previous = reports.withLock { reports in
            defer { reports[peer] = (report, ContinuousClock.now) }
            return reports[peer]?.report
        }
        if let reason = report.refusal {
            logger.warning("Koinos peer refused: disconnecting", metadata: ["p2p.peer": "\(peer)", "reason": "\(reason)"])
            await host.disconnect(peer)
        } else if previous?.accepted != true {
            logger.info("Koinos peer connected", metadata: [
                "p2p.peer": "\(peer)", "koinos.head.height": "\(report.headHeight ?? 0)", "p2p.agent": "\(report.agentVersion ?? "")",
            ])
        }
    }
}

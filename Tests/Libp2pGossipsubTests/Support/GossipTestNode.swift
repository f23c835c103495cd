// SPDX-License-Identifier: Apache-2.0
import Libp2pGossipsub
import Libp2pHost
import Logging
import Multiformats
import ProcessTestSupport

/// A Swift node for loopback tests: a started host on 127.0.0.1:0 and a running `Gossipsub`.
final class GossipTestNode: Sendable {
    let host: Libp2pHost
    let gossipsub: Gossipsub
    let address: Multiaddr
    let runTask: Task<Void, any Error>

    init(keyType: Libp2pKeyType = .ed25519, parameters: GossipsubParameters = .koinos) async throws {
        let key = Libp2pPrivateKey.generate(keyType)
        let configuration = Libp2pHostConfiguration(listenAddresses: [try Multiaddr("/ip4/127.0.0.1/tcp/0")])
        host = Libp2pHost(privateKey: key, configuration: configuration, logger: Logger(label: "bridge.p2p"))
        let bound = try await host.start()
        address = bound[0].appending(.p2p(key.peerID))
        var gossipLogger = Logger(label: "bridge.p2p.gossip")
        gossipLogger.logLevel = ProcessInfoLevel.level
        let gossipsub = Gossipsub(host: host, parameters: parameters, logger: gossipLogger)
        self.gossipsub = gossipsub
        runTask = Task { try await gossipsub.run() }
    }

    var peerID: PeerID { host.peerID }

    func stop() async {
        runTask.cancel()
        _ = try? await runTask.value
        await host.shutdown()
    }
}

struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Polls `condition` every 50 ms (the shared `eventually`) until it holds; throws `TimedOut` naming
/// `what` when `timeout` passes first.
func waitUntil(_ what: String, timeout: Duration = .seconds(30), _ condition: () async -> Bool) async throws {
    guard await eventually(timeout, every: .milliseconds(50), condition) else { throw TimedOut(what: what) }
}

/// Collects `count` messages from a subscription, or throws after `timeout`.
func collect(
    _ count: Int,
    from stream: AsyncStream<GossipMessage>,
    timeout: Duration = .seconds(10)
) async throws -> [GossipMessage] {
    try await withThrowingTaskGroup(of: [GossipMessage]?.self) { group in
        group.addTask {
            var received: [GossipMessage] = []
            for await message in stream {
                received.append(message)
                if received.count == count { break }
            }
            return received
        }
        group.addTask {
            try await Task.sleep(for: timeout)  // the deadline of the race, not a wait
            return nil
        }
        defer { group.cancelAll() }
        guard let result = try await group.next(), let messages = result else {
            throw TimedOut(what: "\(count) gossip messages")
        }
        return messages
    }
}

enum ProcessInfoLevel {
    static let level: Logger.Level = .info
}

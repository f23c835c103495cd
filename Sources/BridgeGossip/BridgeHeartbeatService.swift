// SPDX-License-Identifier: Apache-2.0
public import ServiceLifecycle

/// Publishes this validator's heartbeat (peer id ↔ validator key binding, Ethereum cursor):
/// the first 2 s after start, then every 15 s, like Wormhole's guardians.
public struct BridgeHeartbeatService: Service {
    let endpoint: BridgeGossipEndpoint
    let ethereumCursor: @Sendable () async -> UInt64
    let initialDelay: Duration
    let interval: Duration

    public init(
        endpoint: BridgeGossipEndpoint, initialDelay: Duration = .seconds(2), interval: Duration = .seconds(15),
        ethereumCursor: @escaping @Sendable () async -> UInt64
    ) {
        self.endpoint = endpoint
        self.initialDelay = initialDelay
        self.interval = interval
        self.ethereumCursor = ethereumCursor
    }

    public func run() async throws {
        try? await Task.sleep(for: initialDelay)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await endpoint.publishHeartbeat(ethereumCursor: await ethereumCursor())
            try? await Task.sleep(for: interval)
        }
    }
}

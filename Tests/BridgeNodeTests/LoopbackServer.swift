// SPDX-License-Identifier: Apache-2.0
import Logging
import ServiceLifecycle
import Testing

/// Runs `server` in a service group for the duration of `body`, given the port it yields on `ports`
/// once it listens (an ephemeral loopback port); shuts it down gracefully afterwards, also when
/// `body` throws.
func withLoopbackServer(_ server: some Service, ports: AsyncStream<Int>, _ body: (Int) async throws -> Void) async throws {
    let group = ServiceGroup(configuration: .init(services: [server], logger: Logger(label: "test")))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        do { try await body(port) } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

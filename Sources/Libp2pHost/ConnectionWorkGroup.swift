// SPDX-License-Identifier: Apache-2.0

/// The host's per-connection work (serving an inbound stream, identifying a new peer): children
/// of one task group that lives as long as the host, instead of one unstructured task each.
///
/// Work is handed over from event-loop callbacks (`run` does not wait); the group's task holds
/// only the queue, never the host, and ends once the host is gone and the last child finished.
final class ConnectionWorkGroup: Sendable {
    typealias Work = @Sendable () async -> Void

    private let queue: AsyncStream<Work>.Continuation
    private let group: Task<Void, Never>

    init() {
        let (work, queue) = AsyncStream.makeStream(of: Work.self)
        self.queue = queue
        group = Task {
            await withDiscardingTaskGroup { group in
                for await item in work { group.addTask { await item() } }
            }
        }
    }

    /// Starts `work` as a child of the group.
    func run(_ work: @escaping Work) {
        queue.yield(work)
    }

    deinit {
        queue.finish()
    }
}

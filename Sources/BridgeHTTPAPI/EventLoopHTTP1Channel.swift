// SPDX-License-Identifier: Apache-2.0
import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 child channel with each connection's task run on the connection's own
/// event loop (as its Swift task executor) instead of the cooperative pool.
///
/// Why: with the default executor a request crosses threads twice even for hello-world (the event
/// loop parses it and wakes a pool thread, which runs the handler and hands the response back to
/// the loop), and a detail read crossed twice more (pool → the detail reader's queue → pool).
/// With the task on its event loop, reading the request from `NIOAsyncChannel`, running the
/// middlewares and the handler, and writing the response all happen on the loop's thread, in the
/// same turn; the one hand-off left is a store read's: loop → the store's reader thread (SQLite
/// runs there, never on a loop or the pool) → loop.
///
/// Handlers must not block: they already must not on the pool, and here a blocked handler stalls
/// every connection on its loop. CPU work in a handler (rendering a page, recovering a
/// signature) runs on the loop between its I/O events, as a NIO handler's own work does.
///
/// Measured (`bridge-bench http`, same run, six runs, load 14-80): voluntary context switches
/// per request fell from 0.43-0.52 to 0.07-0.11 (hello-world) and from 0.85-1.25 to 0.50-0.59
/// (uncached detail); server CPU per request fell for hello-world (0.75-1.00x of the pool's) but
/// not for the uncached detail (0.96-1.09x), so the ratio the issue measures got worse: a wake-up
/// of an idle thread costs less than the profile's "thread switches" suggested, and the detail's
/// extra CPU is its own work. So the node keeps
/// Hummingbird's default (`InspectionAPI.httpServer(handlersOnEventLoop: false)`); this stays
/// for the benchmark's comparison.
struct EventLoopHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let base: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> { base.setup(channel: channel, logger: logger) }

    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
            await base.handle(value: value, logger: logger)
        }
    }
}

/// A Swift `TaskExecutor` that runs the jobs of the tasks preferring it on one NIO event loop.
/// A job enqueued from the loop's own thread (a continuation resumed by a channel read) runs in
/// the same loop turn without a wake-up; one enqueued from another thread wakes the loop.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

// SPDX-License-Identifier: Apache-2.0
import Foundation
public import Logging
public import ServiceLifecycle
public import UnixSignals

/// Exits the process at once on a second SIGTERM/SIGINT while graceful shutdown is under way.
///
/// The `ServiceGroup` turns the first signal into graceful shutdown. This service is first in the
/// group, so it is the last one asked to stop and keeps listening while the others drain.
public struct SignalEscalation: Service {
    let logger: Logger
    let signals: [UnixSignal]

    public init(logger: Logger, signals: [UnixSignal] = [.sigterm, .sigint]) {
        self.logger = logger
        self.signals = signals
    }

    public func run() async throws {
        let sequence = await UnixSignalsSequence(trapping: signals)
        let logger = self.logger
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var seen = 0
                for await signal in sequence {
                    seen += 1
                    if seen >= 2 {
                        logger.warning("Second signal during shutdown; exiting now", metadata: ["signal": "\(signal)"])
                        exit(130)
                    }
                }
            }
            group.addTask { try? await gracefulShutdown() }
            await group.next()
            group.cancelAll()
        }
    }
}

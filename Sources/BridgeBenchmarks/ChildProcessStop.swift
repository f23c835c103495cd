// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Benchmarks stop every process they start: SIGTERM, a grace period, then SIGKILL, and the exit
/// is awaited so no devnet outlives the bench run.
enum ChildProcessStop {
    static func stop(_ process: Process, graceSeconds: Double = 3) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(graceSeconds)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Runs blocking work (file locks, socket probes, Argon2id, a terminal prompt) on a thread of its
/// own and suspends the calling task until it is done, so no cooperative thread ever blocks.
enum OffPool {
    static func run<T: Sendable>(_ name: String, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.name = name
            thread.start()
        }
    }
}

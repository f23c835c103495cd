// SPDX-License-Identifier: Apache-2.0
import CoreMetrics
import Synchronization

/// A metrics backend for one test: counts every counter by label and dimensions, ignores the
/// rest. Passed to a component instead of bootstrapping the process-wide `MetricsSystem`.
final class CountingMetrics: MetricsFactory, Sendable {
    private let totals = Mutex<[String: Int64]>([:])

    /// The count of `label` with exactly these dimensions (0 when never incremented).
    func count(_ label: String, _ dimensions: [(String, String)] = []) -> Int64 {
        totals.withLock { $0[Self.key(label, dimensions)] ?? 0 }
    }

    static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        ([label] + dimensions.map { "\($0.0)=\($0.1)" }).joined(separator: ",")
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        CountingCounter(key: Self.key(label, dimensions), totals: self)
    }

    func add(_ amount: Int64, to key: String) { totals.withLock { $0[key, default: 0] += amount } }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler { NOOPMetricsHandler.instance }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { NOOPMetricsHandler.instance }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

    final class CountingCounter: CounterHandler, Sendable {
        let key: String
        let totals: CountingMetrics

        init(key: String, totals: CountingMetrics) {
            self.key = key
            self.totals = totals
        }

        func increment(by amount: Int64) { totals.add(amount, to: key) }
        func reset() {}
    }
}

// SPDX-License-Identifier: Apache-2.0
import Primitives
import Testing

@Suite struct ChangeSignalTests {
    /// A waiter wakes at the signal, long before its safety timeout.
    @Test(.timeLimit(.minutes(3))) func aSignalWakesAWaiterBeforeTheTimeout() async {
        let signal = ChangeSignal()
        let seen = signal.generation
        let started = ContinuousClock.now
        async let woke: Void = signal.wait(beyond: seen, upTo: .seconds(600))
        try? await Task.sleep(for: .milliseconds(20))  // the waiter suspends first (the test passes either way)
        signal.signal()
        await woke
        #expect(ContinuousClock.now - started < .seconds(120), "woken by the signal, not by the 600 s safety timeout (other suites may hold the cooperative pool for seconds)")
        #expect(signal.generation == seen + 1)
    }

    /// A signal given while the consumer worked is not lost: the next wait returns at once.
    @Test(.timeLimit(.minutes(3))) func aSignalBeforeTheWaitIsNotLost() async {
        let signal = ChangeSignal()
        let seen = signal.generation
        signal.signal()
        signal.signal()
        let started = ContinuousClock.now
        await signal.wait(beyond: seen, upTo: .seconds(600))
        #expect(ContinuousClock.now - started < .seconds(120), "woken by the signal, not by the 600 s safety timeout (other suites may hold the cooperative pool for seconds)")
    }

    @Test(.timeLimit(.minutes(3))) func withoutASignalTheTimeoutEndsTheWait() async {
        let signal = ChangeSignal()
        let started = ContinuousClock.now
        await signal.wait(beyond: signal.generation, upTo: .milliseconds(50))
        #expect(ContinuousClock.now - started >= .milliseconds(50))
    }

    @Test(.timeLimit(.minutes(3))) func cancellingTheWaiterEndsTheWait() async {
        let signal = ChangeSignal()
        let seen = signal.generation
        let waiter = Task { await signal.wait(beyond: seen) }
        try? await Task.sleep(for: .milliseconds(20))  // the waiter suspends first (the test passes either way)
        waiter.cancel()
        let started = ContinuousClock.now
        await waiter.value
        #expect(ContinuousClock.now - started < .seconds(120), "woken by the signal, not by the 600 s safety timeout (other suites may hold the cooperative pool for seconds)")
    }

    @Test(.timeLimit(.minutes(3))) func oneSignalWakesEveryWaiter() async {
        let signal = ChangeSignal()
        let seen = signal.generation
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { await signal.wait(beyond: seen, upTo: .seconds(600)) } }
            try? await Task.sleep(for: .milliseconds(20))  // the waiter suspends first (the test passes either way)
            let started = ContinuousClock.now
            signal.signal()
            await group.waitForAll()
            #expect(ContinuousClock.now - started < .seconds(120), "woken by the signal, not by the 600 s safety timeout (other suites may hold the cooperative pool for seconds)")
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
import Foundation
import ProcessTestSupport
import Testing

/// `ChildProcess` with small shell children: lines, exit status, deadlines, stop escalation, and
/// waits that suspend instead of holding one of the (on 2 cores, two) cooperative threads.
struct ChildProcessTests {
    static func elapsed(_ body: () async throws -> Void) async rethrows -> Duration {
        let start = ContinuousClock.now
        try await body()
        return ContinuousClock.now - start
    }

    @Test func linesAndExitStatus() async throws {
        let child = try ChildProcess("/bin/sh", ["-c", "echo hello; echo world; printf tail; exit 3"])
        #expect(await child.firstLine(timeout: .seconds(10)) == "hello")
        #expect(await child.waitForExit(timeout: .seconds(10)) == 3)
        #expect(child.lines == ["hello", "world", "tail"])
        #expect(child.standardOutput == "hello\nworld\ntail")
        #expect(!child.isRunning)
    }

    @Test func waitForLineSearchesFromAnIndex() async throws {
        let child = try ChildProcess("/bin/sh", ["-c", "for i in 1 2 3 4; do echo line$i; done; exec sleep 30"])
        let match = await child.waitForLine(from: 1, timeout: .seconds(10)) { $0.hasSuffix("3") }
        #expect(match?.index == 2 && match?.text == "line3")
        #expect(await child.waitForLine(from: 4, timeout: .milliseconds(200)) == nil)
        await child.stop()
    }

    @Test func aSilentChildTimesOutAndSIGTERMEndsIt() async throws {
        let child = try ChildProcess("/bin/sleep", ["30"])
        let waited = await Self.elapsed { #expect(await child.firstLine(timeout: .milliseconds(300)) == nil) }
        #expect(waited >= .milliseconds(300) && waited < .seconds(5))
        // SIGTERM must reach it (the spawning pool thread blocks SIGTERM; the child must not inherit that).
        let stopping = await Self.elapsed { #expect(await child.stop(grace: .seconds(10)) == SIGTERM) }
        #expect(stopping < .seconds(5), "SIGTERM did not end the child: \(stopping)")
    }

    @Test func stopEscalatesToSIGKILL() async throws {
        let child = try ChildProcess("/bin/sh", ["-c", "trap '' TERM; echo ready; exec sleep 30"])
        #expect(await child.firstLine(timeout: .seconds(10)) == "ready")
        let stopping = await Self.elapsed { #expect(await child.stop(grace: .milliseconds(300)) == SIGKILL) }
        #expect(stopping < .seconds(5))
    }

    @Test func aFirstLineWaitEndsWhenStdoutCloses() async throws {
        let child = try ChildProcess("/bin/sh", ["-c", "exit 0"])
        let waited = await Self.elapsed { #expect(await child.firstLine(timeout: .seconds(30)) == nil) }
        #expect(waited < .seconds(10))
    }

    /// Eight one-second children waited at once: blocking waits on two pool threads would take 4 s.
    @Test func concurrentWaitsDoNotHoldCooperativeThreads() async throws {
        let children = try (0..<8).map { _ in try ChildProcess("/bin/sleep", ["1"]) }
        let waited = try await Self.elapsed {
            try await withThrowingTaskGroup(of: Int32?.self) { group in
                for child in children { group.addTask { await child.waitForExit(timeout: .seconds(20)) } }
                for try await status in group { #expect(status == 0) }
            }
        }
        #expect(waited < .seconds(3), "eight concurrent waits took \(waited)")
    }

    @Test func runCapturesBothStreamsAndFeedsInput() async throws {
        let result = try await ChildProcess.run("/bin/sh", ["-c", "cat; echo oops >&2; exit 2"], input: "abc\n")
        #expect(result.status == 2 && !result.timedOut)
        #expect(result.stdout == "abc\n")
        #expect(result.stderr == "oops\n")
    }

    @Test func runStopsAChildThatOverrunsItsTimeout() async throws {
        var result: ChildProcess.Completion?
        let waited = try await Self.elapsed { result = try await ChildProcess.run("/bin/sleep", ["30"], timeout: .milliseconds(300)) }
        #expect(result?.timedOut == true)
        #expect(result?.status == SIGTERM)
        #expect(waited < .seconds(5))
    }
}

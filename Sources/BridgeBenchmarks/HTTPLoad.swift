// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Load generation for `runHTTPBenchmarks()`: wrk when installed, else a bounded sequential loop
/// of curl keep-alive requests (much slower, but the same for both routes).
///
/// Beside requests/s, each run reports the CPU the SERVER spent per request: wrk (or curl) runs as
/// a child process, so `getrusage(RUSAGE_SELF)` of this process around the run counts the
/// server's threads (event loops, the cooperative pool, the detail reader's queue) and not the
/// load generator, whose CPU is read from `RUSAGE_CHILDREN` once it has been waited for. CPU per
/// request holds up under a loaded machine where requests/s does not: other processes take
/// cores away, they do not add work to ours. Voluntary context switches per request count the
/// thread hand-offs (a thread that went to sleep waiting for the next hop's wake-up).
enum HTTPLoad {
    struct Result: CustomStringConvertible {
        var requestsPerSecond: Double
        var p99Milliseconds: Double
        /// Requests wrk completed (0 for the curl loop: its count is the lines it printed).
        var requests = 0
        /// User + system CPU of this process (the server) per request, microseconds.
        var serverCPUMicros = 0.0
        /// Voluntary context switches of this process per request.
        var switchesPerRequest = 0.0
        /// User + system CPU of the load generator per request, microseconds.
        var clientCPUMicros = 0.0

        var description: String {
            String(format: "%9.0f req/s  p99 %6.2f ms  server CPU %6.1f µs/req  %5.2f switches/req  client CPU %5.1f µs/req",
                   requestsPerSecond, p99Milliseconds, serverCPUMicros, switchesPerRequest, clientCPUMicros)
        }
    }

    /// CPU time (µs) and voluntary context switches of `who` so far.
    struct Usage {
        var cpuMicros: Double
        var voluntarySwitches: Double

        static func of(_ who: Int32) -> Usage {
            var u = rusage()
            getrusage(who, &u)
            func micros(_ t: timeval) -> Double { Double(t.tv_sec) * 1e6 + Double(t.tv_usec) }
            return Usage(cpuMicros: micros(u.ru_utime) + micros(u.ru_stime), voluntarySwitches: Double(u.ru_nvcsw))
        }
    }

    static func measure(_ url: String, wrk: Bool, seconds: Int, connections: Int = 16) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let selfBefore = Usage.of(RUSAGE_SELF.rawValue), childrenBefore = Usage.of(RUSAGE_CHILDREN.rawValue)
                    var result = try wrk ? runWrk(url, seconds: seconds, connections: connections) : runLoop(url, seconds: seconds)
                    let selfAfter = Usage.of(RUSAGE_SELF.rawValue), childrenAfter = Usage.of(RUSAGE_CHILDREN.rawValue)
                    let n = Double(max(result.requests, 1))
                    result.serverCPUMicros = (selfAfter.cpuMicros - selfBefore.cpuMicros) / n
                    result.switchesPerRequest = (selfAfter.voluntarySwitches - selfBefore.voluntarySwitches) / n
                    result.clientCPUMicros = (childrenAfter.cpuMicros - childrenBefore.cpuMicros) / n
                    continuation.resume(returning: result)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// `wrk -t1 -cN -dNs --latency URL`, parsing "N requests in", "Requests/sec" and the 99% latency line.
    static func runWrk(_ url: String, seconds: Int, connections: Int) throws -> Result {
        let output = try run("/usr/bin/timeout", [String(seconds + 20), "/usr/bin/wrk", "-t1", "-c\(connections)", "-d\(seconds)s", "--latency", url])
        var result = Result(requestsPerSecond: 0, p99Milliseconds: 0)
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.first == "Requests/sec:", fields.count > 1 { result.requestsPerSecond = Double(fields[1]) ?? 0 }
            if fields.first == "99%", fields.count > 1 { result.p99Milliseconds = milliseconds(String(fields[1])) }
            if fields.count > 2, fields[1] == "requests", fields[2] == "in" { result.requests = Int(fields[0]) ?? 0 }
        }
        return result
    }

    static func milliseconds(_ text: String) -> Double {
        for (suffix, factor) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where text.hasSuffix(suffix) {
            return (Double(text.dropLast(suffix.count)) ?? 0) * factor
        }
        return 0
    }

    /// Fallback: one curl process fetching the URL repeatedly over one keep-alive connection.
    static func runLoop(_ url: String, seconds: Int) throws -> Result {
        let count = 2000
        let start = Date()
        let output = try run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-m", String(seconds * 4), "-w", "%{time_total}\n"] + Array(repeating: url, count: count))
        let elapsed = Date().timeIntervalSince(start)
        let times = output.split(separator: "\n").compactMap { Double($0) }.sorted()
        let p99 = times.isEmpty ? 0 : times[min(times.count - 1, Int(Double(times.count) * 0.99))] * 1000
        return Result(requestsPerSecond: Double(times.count) / elapsed, p99Milliseconds: p99, requests: times.count)
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

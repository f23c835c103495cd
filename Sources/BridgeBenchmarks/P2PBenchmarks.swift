// SPDX-License-Identifier: Apache-2.0
import Foundation
import Libp2pNoise

/// libp2p benchmarks on loopback, one run: one Noise+yamux stream against raw TCP (both through
/// SwiftNIO in this process, same event loops), by wall clock and by process CPU time per GiB moved,
/// against the cipher floor (seal + open of the same bytes, one thread, no sockets); and resident
/// memory per idle upgraded connection.
///
/// Under load the wall figures are the cores we happened to get; the CPU figures are what the wall
/// ratio becomes when the run is CPU-bound and the cores are ours (both ends live in this process,
/// so raw TCP's CPU per GiB also pays for both ends of the socket).
func runP2PBenchmarks(megabytes: Int = 64, rounds: Int = 9, idleConnections: Int = 200) async throws {
    let totalBytes = megabytes * 1024 * 1024
    // `P2P_PROFILE=N`: only N one-stream transfers, nothing else (for `perf record`).
    if let value = ProcessInfo.processInfo.environment["P2P_PROFILE"], let transfers = Int(value), transfers > 0 {
        for _ in 0..<transfers {
            let cost = try await P2PBenchmarks.streams(totalBytes: totalBytes)
            print(String(format: "  one stream: %.0f MiB/s, %.2f CPU s/GiB", cost.mebibytesPerSecond, cost.cpuSecondsPerGiB))
        }
        return
    }
    // Also measured before any transfer: the heap the throughput runs leave behind changes the RSS delta.
    let perConnectionFirst = try await P2PBenchmarks.memoryPerIdleConnection(count: idleConnections)
    print("p2p throughput, \(megabytes) MiB one way on 127.0.0.1, \(rounds) interleaved rounds "
          + "(load average at start: \(loadAverage())):")
    let variants = P2PVariant.all
    var costs: [[TransferCost]] = Array(repeating: [], count: variants.count)
    for _ in 1...rounds {
        for (index, variant) in variants.enumerated() {
            costs[index].append(try await variant.measure(totalBytes))
        }
    }
    let raw = costs[0]
    for (index, variant) in variants.enumerated() {
        let rows = costs[index]
        var line = "  \(variant.name.padding(toLength: 33, withPad: " ", startingAt: 0))"
            + "wall \(spread(rows.map(\.mebibytesPerSecond), "%.0f")) MiB/s, CPU \(spread(rows.map(\.cpuSecondsPerGiB), "%.2f")) s/GiB"
        if index > 0 {
            let wall = zip(rows, raw).map { $0.mebibytesPerSecond / $1.mebibytesPerSecond }
            let cpu = zip(rows, raw).map { $1.cpuSecondsPerGiB / $0.cpuSecondsPerGiB }
            line += " | / raw: wall \(spread(wall, "%.2f")), CPU (raw s/GiB / ours) \(spread(cpu, "%.2f"))"
            if let goal = variant.goal { line += String(format: " (goal >= %.1f)", goal) }
        }
        print(line)
    }
    print("  (median [min-max] of the rounds; ratios are per round, then the median)")
    print("  load average at end: \(loadAverage())")
    let floor = try P2PCipherBenchmarks.run(rounds: 3)
    let rawCPU = median(raw.map(\.cpuSecondsPerGiB))
    let oursCPU = median(costs[1].map(\.cpuSecondsPerGiB))
    print(String(format: "  against the cipher floor (%.2f s/GiB): raw TCP %.2f s/GiB (%.2f× the floor), "
                 + "Noise+yamux 1 stream %.2f s/GiB (%.2f× the floor); raw + floor = %.2f s/GiB, so a secured "
                 + "stream's CPU ratio can reach at most %.2f of raw on this CPU; ours spends %.2f s/GiB beyond raw + floor",
                 floor, rawCPU, rawCPU / floor, oursCPU, oursCPU / floor, rawCPU + floor, rawCPU / (rawCPU + floor),
                 oursCPU - rawCPU - floor))
    let perConnectionAfter = try await P2PBenchmarks.memoryPerIdleConnection(count: idleConnections)
    print(String(format: "  idle connection memory:   %8.1f KiB RSS per connection (both ends in-process, %d connections), "
                 + "%.1f KiB when measured first in the process",
                 perConnectionAfter / 1024, idleConnections, perConnectionFirst / 1024))
}

/// One row of the throughput table.
struct P2PVariant: Sendable {
    let name: String
    let goal: Double?
    let measure: @Sendable (Int) async throws -> TransferCost

    static let all: [P2PVariant] = [
        P2PVariant(name: "raw TCP (NIO)", goal: nil) { try await P2PBenchmarks.rawTCP(totalBytes: $0) },
        P2PVariant(name: "Noise+yamux 1 stream", goal: 0.5) { try await P2PBenchmarks.streams(totalBytes: $0) },
        P2PVariant(name: "2 streams on 1 connection", goal: 0.6) { try await P2PBenchmarks.streams(totalBytes: $0, count: 2) },
        P2PVariant(name: "1 stream, 4 MiB window", goal: nil) {
            try await P2PBenchmarks.streams(totalBytes: $0, receiveWindow: 4 * 1024 * 1024)
        },
        P2PVariant(name: "1 stream, swift-crypto cipher", goal: nil) {
            try await P2PBenchmarks.streams(totalBytes: $0, cipher: .swiftCrypto)
        },
        P2PVariant(name: "1 stream, libsodium cipher", goal: nil) {
            try await P2PBenchmarks.streams(totalBytes: $0, cipher: .libsodium)
        },
        P2PVariant(name: "1 stream, NIO's 64 KiB reads", goal: nil) {
            try await P2PBenchmarks.streams(totalBytes: $0, maxReadSize: 64 * 1024)
        },
    ]
}

/// Wall throughput and process CPU time of one transfer.
struct TransferCost: Sendable {
    let mebibytesPerSecond: Double
    let cpuSecondsPerGiB: Double
}

private func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// "median [min-max]" with `format` for each figure.
private func spread(_ values: [Double], _ format: String) -> String {
    String(format: "\(format) [\(format)-\(format)]", median(values), values.min() ?? 0, values.max() ?? 0)
}

/// The 1-minute load average from /proc/loadavg.
private func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?"
    return String(text.split(separator: " ").first ?? "?")
}

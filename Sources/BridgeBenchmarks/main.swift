// SPDX-License-Identifier: Apache-2.0
// `bridge-bench <suite> [--rounds N]`: release-mode benchmarks (`swift run -c release bridge-bench crypto`).
// Times are the benchmark thread's CPU time (the machine is shared), so figures are ns of CPU per op.
// Suites print their own figures; the exit status is 0 when every target ratio was met, 1 otherwise.

#if canImport(Glibc)
import Glibc
#endif
import Multiformats

let usage = "usage: bridge-bench crypto|eth|eth-send|p2p|gossip|aggregation|quorum-connections|koinos|koinos-catchup|http|page|governor|koinos-peer|p2p-flood-h1|p2p-flood-m1|p2p-flood-m2|all [--rounds N] [--seconds N]"
var arguments = Array(CommandLine.arguments.dropFirst())
var rounds = 5
if let flag = arguments.firstIndex(of: "--rounds") {
    guard flag + 1 < arguments.count, let value = Int(arguments[flag + 1]), (1...100).contains(value) else {
        print(usage)
        exit(2)
    }
    rounds = value
    arguments.removeSubrange(flag...(flag + 1))
}

/// `--seconds N` (flood benchmarks, 20 by default) and `--target ADDR` (the flood attacker child).
@MainActor func takeOption(_ name: String) -> String? {
    guard let flag = arguments.firstIndex(of: name) else { return nil }
    guard flag + 1 < arguments.count else {
        print(usage)
        exit(2)
    }
    defer { arguments.removeSubrange(flag...(flag + 1)) }
    return arguments[flag + 1]
}
let floodSeconds: Int
if let value = takeOption("--seconds") {
    guard let seconds = Int(value), (1...3_600).contains(seconds) else {
        print(usage)
        exit(2)
    }
    floodSeconds = seconds
} else {
    floodSeconds = 20
}
let floodTarget = takeOption("--target")

// The flood attacker: this executable started again by a p2p-flood benchmark.
if arguments.count == 1, arguments[0].hasPrefix("p2p-flood-attack-"),
    let flood = P2PFlood(rawValue: String(arguments[0].dropFirst("p2p-flood-attack-".count))),
    let floodTarget, let target = try? Multiaddr(floodTarget)
{
    try await runP2PFloodAttack(flood, target: target, seconds: floodSeconds)
    exit(0)
}

#if DEBUG
print("warning: debug build; figures are meaningless (use swift run -c release bridge-bench)")
#endif

/// Suites by name, in the order `all` runs them. Each returns whether its target ratios were met
/// (suites that only report figures return true).
let baseSuites: [(name: String, run: @Sendable (Int) async throws -> Bool)] = [
    ("crypto", { runCryptoBenchmarks(rounds: $0) }),
    ("eth", { runEthBenchmarks(rounds: $0) }),
    ("eth-send", { runEthSendBenchmarks(rounds: $0) }),
    ("p2p", { _ in try await runP2PBenchmarks(); return true }),
    ("gossip", { _ in try await runGossipBenchmarks(); return true }),
    ("aggregation", { _ in try await runAggregationBenchmarks(); return true }),
    ("quorum-connections", { try await runQuorumUnderConnectionsBenchmark(rounds: $0) }),
    ("koinos", { _ in await runKoinosBenchmarks() }),
    ("koinos-catchup", { _ in try await runKoinosCatchUpBenchmark() }),
    ("http", { _ in try await runHTTPBenchmarks() }),
    ("page", { _ in try await runPageBenchmarks() }),
    ("governor", { runGovernorBenchmarks(rounds: $0) }),
    ("koinos-peer", { try await runKoinosPeerBenchmarks(rounds: $0) }),
]
let floodSuites: [(name: String, run: @Sendable (Int) async throws -> Bool)] = P2PFlood.allCases.map { flood in
    let seconds = floodSeconds
    return (name: "p2p-flood-\(flood.rawValue)", run: { _ in try await runP2PFloodBenchmark(flood, seconds: seconds) })
}
let suites = baseSuites + floodSuites

guard arguments.count == 1 else {
    print(usage)
    exit(2)
}
// `all` leaves out the floods (each runs --seconds and starts a second process).
let selected = arguments[0] == "all" ? suites.filter { !$0.name.hasPrefix("p2p-flood") } : suites.filter { $0.name == arguments[0] }
guard !selected.isEmpty else {
    print(usage)
    exit(2)
}
var allMet = true
for suite in selected {
    print("== \(suite.name)")
    do {
        allMet = try await suite.run(rounds) && allMet
    } catch {
        print("\(suite.name): failed: \(error)")
        allMet = false
    }
}
exit(allMet ? 0 : 1)

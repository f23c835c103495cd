// SPDX-License-Identifier: Apache-2.0
// `bridge-bench <suite> [--rounds N]`: release-mode benchmarks (`swift run -c release bridge-bench crypto`).
// Times are the benchmark thread's CPU time (the machine is shared), so figures are ns of CPU per op.
// Suites print their own figures; the exit status is 0 when every target ratio was met, 1 otherwise.

#if canImport(Glibc)
import Glibc
#endif

let usage = "usage: bridge-bench crypto|all [--rounds N]"
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

#if DEBUG
print("warning: debug build; figures are meaningless (use swift run -c release bridge-bench)")
#endif

/// Suites by name. Other suites (p2p, eth, koinos, gossip, aggregation, http) are wired here as they land.
let suites: [String: (Int) -> Bool] = [
    "crypto": { runCryptoBenchmarks(rounds: $0) },
    "eth": { runEthBenchmarks(rounds: $0) },
]

guard arguments.count == 1 else {
    print(usage)
    exit(2)
}
let names = arguments[0] == "all" ? ["crypto"] : [arguments[0]]
var allMet = true
for name in names {
    guard let suite = suites[name] else {
        print(usage)
        exit(2)
    }
    allMet = suite(rounds) && allMet
}
exit(allMet ? 0 : 1)

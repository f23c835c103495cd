// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeGossip
import BridgeTesting
import BridgeSigning
import BridgeStore
import ChainCrypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// 7 in-process validators (SQLite in memory, real secp256k1, the real gossip codec and validation
/// over the in-memory transport) turn `observations` lock observations into quorum attestations.
///
/// Runs twice in the same process: first with every batch item recovered by the gossip layer
/// (the baseline), then with hold-and-verify (items handed over unrecovered, the aggregator
/// recovering only those that can enter a submission set). Each prints its wall time against the
/// signature-math floor measured in the same run: (signs + recoveries needed) × measured
/// per-operation cost ÷ cores, where a node needs its own sign and Q(N) − 1 peer recoveries per
/// observation. Also gossip bytes per attestation, the recoveries actually performed (and how
/// many repeated a pair the node had already recovered), the process CPU time against the same
/// floor in CPU seconds (the machine is shared, so the wall ratio depends on how many cores we
/// were given) and the peak RSS of the process. Last, hold-and-verify / baseline ratios.
public func runAggregationBenchmarks(observations count: Int = 10_000, validators n: Int = 7) async throws {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let (signCost, recoverCost) = try measureSignatureCosts(samples: 2_000)
    print(String(format: "aggregation: per-op cost: sign %.1f µs, recover %.1f µs (thread CPU time)", signCost * 1e6, recoverCost * 1e6))
    let baseline = try await runAggregation(count: count, n: n, cores: cores, costs: (signCost, recoverCost), holdAndVerify: false)
    let held = try await runAggregation(count: count, n: n, cores: cores, costs: (signCost, recoverCost), holdAndVerify: true)
    print(String(
        format: "aggregation same-run: hold-and-verify / baseline: wall %.2f×, CPU %.2f×, recoveries %d / %d",
        held.wall / baseline.wall, held.cpu / baseline.cpu, held.recoveries, baseline.recoveries))
}

/// One aggregation run of `count` observations by `n` nodes; prints its figures.
private func runAggregation(
    count: Int, n: Int, cores: Int, costs: (sign: Double, recover: Double), holdAndVerify: Bool
) async throws -> (wall: Double, cpu: Double, recoveries: Int) {
    let clock = BenchClock()
    let network = InMemoryBridgeNetwork()
    let recoveries = RecoveryCounter()
    let keys = try (1...n).map { try Secp256k1.PrivateKey(rawRepresentation: Array(repeating: 0, count: 31) + [UInt8($0)]) }
    let set = ValidatorSet(keys.map { KoinosAddress(publicKey: $0.publicKey).bytes })
    var nodes: [BenchNode] = []
    for (index, key) in keys.enumerated() {
        nodes.append(try BenchNode(
            index: index, key: key, set: set, clock: clock, network: network, recoveries: recoveries, holdAndVerify: holdAndVerify))
    }
    let fixtures = (0..<count).map(benchObservation)
    for node in nodes { try await node.database.insertObservationFixtures(fixtures, atMilliseconds: clock.nowMilliseconds) }
    for node in nodes { await node.endpoint.publishHeartbeat(ethereumCursor: 1) }
    await deliverAll(nodes, network: network)
    let baseline = network.byteTotals
    recoveries.reset()

    let start = ContinuousClock.now
    let cpuStart = processCPUSeconds()
    var stepTime = Duration.zero, deliverTime = Duration.zero
    var rounds = 0
    while rounds < 1_000 {
        rounds += 1
        clock.advance(milliseconds: 1_000)
        let stepStart = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for node in nodes { group.addTask { await node.aggregator.step() } }
        }
        let deliverStart = ContinuousClock.now
        await deliverAll(nodes, network: network)
        stepTime += deliverStart - stepStart
        deliverTime += ContinuousClock.now - deliverStart
        var done = true
        for node in nodes where try await node.database.observationCount(status: .quorum) != count { done = false }
        if done { break }
    }
    let wall = ContinuousClock.now - start
    let cpu = processCPUSeconds() - cpuStart
    var quorumCounts: [Int] = []
    for node in nodes { quorumCounts.append(try await node.database.observationCount(status: .quorum)) }
    let q = set.quorum(.v1)
    let signs = n * count
    let neededRecoveries = n * (q - 1) * count
    // With the contract-minimal set (the Q lowest addresses that signed), a node among the Q
    // lowest needs Q − 1 peer signatures and any other node Q: the fewest recoveries that let
    // every node converge on the same set, reached only when signatures arrive in address order.
    let canonicalRecoveries = count * (q * (q - 1) + (n - q) * q)
    let floor = (Double(signs) * costs.sign + Double(neededRecoveries) * costs.recover) / Double(cores)
    let seconds = wall.seconds
    let bytes = network.byteTotals
    print("aggregation (\(holdAndVerify ? "hold-and-verify" : "baseline: every item recovered on arrival")): \(n) validators, \(count) observations, Q = \(q), \(cores) cores, \(rounds) rounds")
    print("  quorum rows per node: \(quorumCounts)")
    print("  signs \(signs), recoveries needed \(neededRecoveries), recoveries performed \(recoveries.value) (envelopes included; of which repeats of a (digest, signature) already recovered on that node: \(recoveries.repeats.load(ordering: .relaxed)))")
    print("  fewest recoveries for the contract-minimal set (Q − 1 or Q per node, signatures arriving in address order): \(canonicalRecoveries)")
    print(String(format: "  wall %.2f s, signature-math floor %.2f s, ratio %.2f× (goal ≤ 2.5×)", seconds, floor, seconds / floor))
    print(String(
        format: "  process CPU %.2f s (%.2f cores busy on average); wall in signing rounds %.2f s, in gossip delivery %.2f s",
        cpu, cpu / seconds, stepTime.seconds, deliverTime.seconds))
    print(String(
        format: "  CPU time / signature-math CPU floor %.2f s: %.2f× (independent of how many cores the shared machine gave us)",
        floor * Double(cores), cpu / (floor * Double(cores))))
    print(String(
        format: "  gossip bytes per attestation: %.0f published, %.0f delivered (all receivers)",
        Double(bytes.published - baseline.published) / Double(count), Double(bytes.delivered - baseline.delivered) / Double(count)))
    print("  peak RSS (whole process, both runs so far): \(peakRSSKilobytes() / 1024) MiB")
    for node in nodes { await node.aggregator.flush() }
    return (seconds, cpu, recoveries.value)
}

/// Delivers queued gossip into every node concurrently until the network is quiet.
private func deliverAll(_ nodes: [BenchNode], network: InMemoryBridgeNetwork) async {
    for _ in 0..<20 {
        for node in nodes { await node.aggregator.flush() }
        guard network.queuedCount > 0 else { return }
        await withTaskGroup(of: Void.self) { group in
            for node in nodes {
                let inbox = network.takeInbox(node.peerID)
                group.addTask {
                    for delivery in inbox {
                        guard let items = node.endpoint.receive(delivery.bytes, from: delivery.from).inbound else { continue }
                        for item in items { await node.aggregator.handle(item) }
                    }
                }
            }
        }
    }
}

/// Single-threaded cost of one Koinos compact sign and one recovery, in seconds of this thread's
/// CPU time (wall time would count the time the shared machine gave to other processes and
/// inflate the floor).
private func measureSignatureCosts(samples: Int) throws -> (sign: Double, recover: Double) {
    let key = Secp256k1.PrivateKey.generate()
    let digests = (0..<samples).map { SHA256Digest.hash([UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)]) }
    let t0 = threadCPUSeconds()
    let signatures = try digests.map { try KoinosSignature.sign(digest: $0, key: key) }
    let t1 = threadCPUSeconds()
    var recovered = 0
    for (digest, signature) in zip(digests, signatures) where KoinosSignature.recoverAddress(digest: digest, signature: signature) != nil {
        recovered += 1
    }
    let t2 = threadCPUSeconds()
    precondition(recovered == samples, "every benchmark signature recovers")
    return ((t1 - t0) / Double(samples), (t2 - t1) / Double(samples))
}

/// CPU time of the calling thread, in seconds.
private func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// User + system CPU time of the whole process so far, in seconds.
private func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

fileprivate extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

private func peakRSSKilobytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
    else { return 0 }
    return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
}

// SPDX-License-Identifier: Apache-2.0
import CBenchFloor
import ChainCrypto

/// Swift-vs-C comparisons for the crypto primitives (issue 3 "Performance").
///
/// Each pair runs in the same process: our Swift API, then the same library calls from C
/// (`CBenchFloor`), alternating for `rounds` rounds; the best ns/op of each side is kept and the
/// ratio printed is C time ÷ Swift time (1.00× = as fast as the floor). Targets: secp256k1 sign and
/// recover ≥ 0.90×, Keccak-256 ≥ 0.50× OpenSSL SHA3-256 (same permutation and rate).
func runCryptoBenchmarks(rounds: Int) -> Bool {
    print("crypto: best of \(rounds) rounds, ns/op (ratio = C ÷ Swift time)")
    let key = try! Secp256k1.PrivateKey(rawRepresentation: SHA256Digest.hash(Array("bridge-bench key".utf8)))
    let digest = SHA256Digest.hash(Array("bridge-bench digest".utf8))
    let signature = try! key.signRecoverable(digest: digest)
    var allMet = true

    // Cross-check before timing: both sides must produce the same bytes.
    var cCompact = [UInt8](repeating: 0, count: 64)
    var cRecid: Int32 = 0
    _ = bench_floor_secp256k1_sign(1, key.rawRepresentation, digest, &cCompact, &cRecid)
    precondition(cCompact == signature.compact && Int(cRecid) == signature.recoveryID, "C and Swift signatures differ")

    let sign = compare(
        rounds: rounds, iterations: 2_000,
        swift: { n in
            var sink = 0
            for _ in 0..<n { sink &+= Int(try! key.signRecoverable(digest: digest).s[0]) }
            return sink
        },
        floor: { n in Int(bench_floor_secp256k1_sign(UInt64(n), key.rawRepresentation, digest, &cCompact, &cRecid)) })
    allMet = report("secp256k1 sign (recoverable)", sign, target: 0.9) && allMet

    var cKey = [UInt8](repeating: 0, count: 33)
    let recover = compare(
        rounds: rounds, iterations: 2_000,
        swift: { n in
            var sink = 0
            for _ in 0..<n { sink &+= Int(try! signature.recoverPublicKey(digest: digest).compressed[1]) }
            return sink
        },
        floor: { n in
            Int(bench_floor_secp256k1_recover(UInt64(n), signature.compact, Int32(signature.recoveryID), digest, &cKey))
        })
    precondition(cKey == key.publicKey.compressed, "C recovered a different key")
    allMet = report("secp256k1 recover", recover, target: 0.9) && allMet

    for size in [32, 1024] {
        let input = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var cOut = [UInt8](repeating: 0, count: 32)
        let keccak = compare(
            rounds: rounds, iterations: size == 32 ? 400_000 : 40_000,
            swift: { n in
                var sink = 0
                for _ in 0..<n { sink &+= Int(Keccak256.hash(input)[0]) }
                return sink
            },
            floor: { n in Int(bench_floor_sha3_256(UInt64(n), input, input.count, &cOut)) })
        allMet = report("keccak-256 \(size) B vs OpenSSL SHA3-256", keccak, target: 0.5) && allMet
    }
    return allMet
}

/// Best ns/op of each side over `rounds` alternating rounds.
private func compare(
    rounds: Int, iterations: Int, swift: (Int) -> Int, floor: (Int) -> Int
) -> (swift: Double, floor: Double) {
    var bestSwift = Double.infinity
    var bestFloor = Double.infinity
    _ = swift(iterations / 10)  // warm-up
    _ = floor(iterations / 10)
    for _ in 0..<rounds {
        let start = bench_floor_now_ns()
        let sink = swift(iterations)
        let swiftNanos = Double(bench_floor_now_ns() - start)
        if sink == Int.min { print("") }  // keeps the results alive
        bestSwift = min(bestSwift, swiftNanos / Double(iterations))
        let floorNanos = Double(floor(iterations))
        precondition(floorNanos > 0, "the C floor failed")
        bestFloor = min(bestFloor, floorNanos / Double(iterations))
    }
    return (bestSwift, bestFloor)
}

/// Prints one result line; true when the target ratio is met.
private func report(_ name: String, _ result: (swift: Double, floor: Double), target: Double) -> Bool {
    let ratio = result.floor / result.swift
    let met = ratio >= target
    let line =
        "  " + pad(name, 40) + " swift " + pad(format(result.swift), 9, left: true) + " ns   C " + pad(format(result.floor), 9, left: true)
        + " ns   ratio " + format(ratio, decimals: 2) + "× (target ≥ " + format(target, decimals: 2) + "×) " + (met ? "ok" : "MISSED")
    print(line)
    return met
}

private func format(_ value: Double, decimals: Int = 1) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if let dot = text.firstIndex(of: ".") {
        let fraction = text[text.index(after: dot)...].count
        if fraction < decimals { text += String(repeating: "0", count: decimals - fraction) }
    }
    return text
}

private func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return left ? fill + text : text + fill
}

// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeSigning
import CBenchFloor
import ChainCrypto
import Ethereum

/// Ethereum transactions built and signed per second (issue 14 "Benchmark") against the signing
/// floor measured in the same run.
///
/// One operation: the v2 `completeTransfer` calldata with 5 validator signatures (ABI), the
/// EIP-1559 fields (RLP), the signing hash (Keccak-256), the libsecp256k1 signature, the raw bytes
/// and the transaction hash: everything the sender does per transaction except the RPC calls.
/// The floor is `secp256k1_ecdsa_sign_recoverable` of a 32-byte digest alone, from C
/// (`CBenchFloor`). Rounds alternate; the best CPU ns/op of each side is kept. Ratio = floor time
/// ÷ our time (goal ≥ 0.80×).
func runEthSendBenchmarks(rounds: Int) -> Bool {
    let key = try! Secp256k1.PrivateKey(rawRepresentation: SHA256Digest.hash(Array("bridge-bench relayer".utf8)))
    let validatorKeys = (0..<5).map { i in try! Secp256k1.PrivateKey(rawRepresentation: SHA256Digest.hash(Array("bench validator \(i)".utf8))) }
    let message = EthereumTransferMessage(
        profile: .v2, koinosTransactionID: [0x12, 0x20] + SHA256Digest.hash([1]), operationID: 3, token: [UInt8](repeating: 0x11, count: 20),
        relayer: EthereumAddress(publicKey: key.publicKey).bytes, recipient: [UInt8](repeating: 0x22, count: 20), value: 100_000_000,
        payment: 1_000, metadata: "bench", bridge: [UInt8](repeating: 0x33, count: 20), expiration: 1_900_000_000_000, chainID: 2)
    let signatures = validatorKeys.map { try! EthereumSignature.sign(digest: message.digest, key: $0) }
    let digest = SHA256Digest.hash(Array("bridge-bench digest".utf8))
    var compact = [UInt8](repeating: 0, count: 64)
    var recid: Int32 = 0

    func build(nonce: UInt64) -> SignedEIP1559Transaction {
        let data = BridgeContractCalls.completeTransfer(message, signatures: signatures)
        let tx = EIP1559Transaction(
            chainID: 1, nonce: nonce, maxPriorityFeePerGas: 1_500_000_000, maxFeePerGas: 40_000_000_000, gasLimit: 250_000,
            to: message.bridge, data: data)
        return try! tx.signed(with: key)
    }
    let sample = build(nonce: 0)
    precondition((try? sample.sender().bytes) == EthereumAddress(publicKey: key.publicKey).bytes, "the built transaction does not recover to its signer")

    let iterations = 1_000
    var bestOurs = Double.infinity
    var bestFloor = Double.infinity
    _ = bench_floor_secp256k1_sign(100, key.rawRepresentation, digest, &compact, &recid)
    for round in 0..<rounds {
        let start = bench_floor_now_ns()
        var sink = 0
        for i in 0..<iterations { sink &+= Int(build(nonce: UInt64(round * iterations + i)).hash[0]) }
        let ours = Double(bench_floor_now_ns() - start) / Double(iterations)
        if sink == Int.min { print("") }
        bestOurs = min(bestOurs, ours)
        let floorNanos = bench_floor_secp256k1_sign(UInt64(iterations), key.rawRepresentation, digest, &compact, &recid)
        precondition(floorNanos > 0, "the C floor failed")
        bestFloor = min(bestFloor, Double(floorNanos) / Double(iterations))
    }
    // Where the time goes (one round each): calldata, the signing hash, the signature, raw + hash.
    let tx = sample.transaction
    let parts: [(String, () -> Int)] = [
        ("calldata (ABI)", { BridgeContractCalls.completeTransfer(message, signatures: signatures).count }),
        ("signing hash (RLP + keccak)", { Int(tx.signingHash[0]) }),
        ("secp256k1 sign (Swift API)", { Int(try! key.signRecoverable(digest: digest).r[0]) }),
        ("signed (hash + sign + raw + tx hash)", { Int(try! tx.signed(with: key).hash[0]) }),
    ]
    for (name, part) in parts {
        let start = bench_floor_now_ns()
        var sink = 0
        for _ in 0..<iterations { sink &+= part() }
        if sink == Int.min { print("") }
        print("  part: \(name) \((bench_floor_now_ns() - start) / UInt64(iterations)) ns/op")
    }
    // The same without the transaction hash (raw bytes ready for eth_sendRawTransaction only).
    var bestRawOnly = Double.infinity
    for round in 0..<rounds {
        let start = bench_floor_now_ns()
        var sink = 0
        for i in 0..<iterations { sink &+= build(nonce: UInt64(round * iterations + i)).raw.count }
        if sink == Int.min { print("") }
        bestRawOnly = min(bestRawOnly, Double(bench_floor_now_ns() - start) / Double(iterations))
    }
    let ratio = bestFloor / bestOurs
    print("eth-send: best of \(rounds) rounds × \(iterations), CPU time (calldata \(sample.transaction.data.count) B, raw tx \(sample.raw.count) B)")
    print("  completeTransfer tx built+signed  \(Int(bestOurs)) ns/op = \(Int(1e9 / bestOurs)) tx/s")
    print("  same without the tx hash           \(Int(bestRawOnly)) ns/op = \(Int(1e9 / bestRawOnly)) tx/s (ratio \(Double(Int(bestFloor / bestRawOnly * 100)) / 100)×)")
    print("  secp256k1 sign alone (C floor)    \(Int(bestFloor)) ns/op = \(Int(1e9 / bestFloor)) sig/s")
    let met = ratio >= 0.8
    print("  ratio \(Double(Int(ratio * 100)) / 100)× of the signing floor (goal ≥ 0.80×) " + (met ? "ok" : "MISSED"))
    return met
}

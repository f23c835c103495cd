// SPDX-License-Identifier: Apache-2.0
// The C floor of the crypto benchmark: the same library calls our Swift API makes, in plain C loops,
// so `bridge-bench crypto` can report Swift ÷ C ratios measured in one process.
#ifndef CBENCHFLOOR_H
#define CBENCHFLOOR_H
#include <stddef.h>
#include <stdint.h>

/// Monotonic clock in nanoseconds (CLOCK_MONOTONIC).
uint64_t bench_floor_now_ns(void);

/// `iterations` × (secp256k1_ecdsa_sign_recoverable + serialize_compact) with a randomised
/// SECP256K1_CONTEXT_NONE context, as `Secp256k1.PrivateKey.signRecoverable` does.
/// Writes the last signature to `out_compact`/`out_recid`. Returns elapsed ns, or 0 on failure.
uint64_t bench_floor_secp256k1_sign(uint64_t iterations, const uint8_t key[32], const uint8_t digest[32],
                                    uint8_t out_compact[64], int *out_recid);

/// `iterations` × (parse_compact + secp256k1_ecdsa_recover + compressed and uncompressed serialisation),
/// as `Secp256k1.RecoverableSignature.recoverPublicKey` does. Writes the last compressed key.
uint64_t bench_floor_secp256k1_recover(uint64_t iterations, const uint8_t compact[64], int recid,
                                       const uint8_t digest[32], uint8_t out_compressed[33]);

/// `iterations` × OpenSSL SHA3-256 (EVP, pre-fetched digest, reused context) over `length` bytes.
/// Same Keccak-f[1600] permutation and 136-byte rate as Keccak-256. Writes the last digest.
uint64_t bench_floor_sha3_256(uint64_t iterations, const uint8_t *data, size_t length, uint8_t out[32]);

#endif

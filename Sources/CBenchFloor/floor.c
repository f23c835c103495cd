// SPDX-License-Identifier: Apache-2.0
#include "CBenchFloor.h"

#include <openssl/evp.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <time.h>

uint64_t bench_floor_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static secp256k1_context *bench_context(void) {
    static secp256k1_context *ctx = NULL;
    if (ctx == NULL) {
        unsigned char seed[32];
        for (int i = 0; i < 32; i++) seed[i] = (unsigned char)(i * 7 + 1);
        ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
        if (ctx != NULL && !secp256k1_context_randomize(ctx, seed)) return NULL;
    }
    return ctx;
}

uint64_t bench_floor_secp256k1_sign(uint64_t iterations, const uint8_t key[32], const uint8_t digest[32],
                                    uint8_t out_compact[64], int *out_recid) {
    secp256k1_context *ctx = bench_context();
    if (ctx == NULL) return 0;
    secp256k1_ecdsa_recoverable_signature sig;
    uint64_t start = bench_floor_now_ns();
    for (uint64_t i = 0; i < iterations; i++) {
        if (!secp256k1_ecdsa_sign_recoverable(ctx, &sig, digest, key, NULL, NULL)) return 0;
        secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, out_compact, out_recid, &sig);
    }
    return bench_floor_now_ns() - start;
}

uint64_t bench_floor_secp256k1_recover(uint64_t iterations, const uint8_t compact[64], int recid,
                                       const uint8_t digest[32], uint8_t out_compressed[33]) {
    secp256k1_context *ctx = bench_context();
    if (ctx == NULL) return 0;
    secp256k1_ecdsa_recoverable_signature sig;
    secp256k1_pubkey pubkey;
    unsigned char uncompressed[65];
    uint64_t start = bench_floor_now_ns();
    for (uint64_t i = 0; i < iterations; i++) {
        if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, compact, recid)) return 0;
        if (!secp256k1_ecdsa_recover(ctx, &pubkey, &sig, digest)) return 0;
        size_t length = 33;
        secp256k1_ec_pubkey_serialize(ctx, out_compressed, &length, &pubkey, SECP256K1_EC_COMPRESSED);
        length = 65;
        secp256k1_ec_pubkey_serialize(ctx, uncompressed, &length, &pubkey, SECP256K1_EC_UNCOMPRESSED);
    }
    return bench_floor_now_ns() - start;
}

uint64_t bench_floor_sha3_256(uint64_t iterations, const uint8_t *data, size_t length, uint8_t out[32]) {
    EVP_MD *md = EVP_MD_fetch(NULL, "SHA3-256", NULL);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (md == NULL || ctx == NULL) {
        EVP_MD_free(md);
        EVP_MD_CTX_free(ctx);
        return 0;
    }
    unsigned int out_length = 32;
    uint64_t start = bench_floor_now_ns();
    for (uint64_t i = 0; i < iterations; i++) {
        EVP_DigestInit_ex(ctx, md, NULL);
        EVP_DigestUpdate(ctx, data, length);
        EVP_DigestFinal_ex(ctx, out, &out_length);
    }
    uint64_t elapsed = bench_floor_now_ns() - start;
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
    return elapsed;
}

// SPDX-License-Identifier: Apache-2.0
import Testing

/// `bridge-relay digest …` and `recover` against bridge-contracts.md §2.8 vectors A–D.
struct DigestCommandTests {
    static let vectorA = [
        "digest", "eth-complete-transfer", "--profile", "v1",
        "--koinos-tx", "0x122042620de9aee17c93512c0acc98e3248cb88524998df5f95eaad65bf3ddbe9070", "--op-id", "3",
        "--token", "0xeA756978B2D8754b0f92CAc325880aa13AF38f88", "--recipient", "0x3D7D98070a3B5762fF4ed30Afc58F8f0000bE3b3",
        "--amount", "1", "--bridge", "0x47940D3089Da6DC306678109c834718AEF23A201", "--expiration", "1668465758850",
    ]
    static let vectorB = [
        "digest", "complete-transfer", "--profile", "v1",
        "--eth-tx", "0xeaf75ff289091a5df0215c47e383106c16439c9b5520de396c1b7c7e93f13ad1",
        "--token", "1KazZFUnZSLjeXq2QrifdnYqiBvA7RVF3G", "--recipient", "1Bf5W4LZ2FTmzPcA6d8QeLgAYmCKdZp2nN",
        "--amount", "1", "--contract", "17XHjr7n2E4auykiHkfJMLGGovvaCadtQS", "--expiration", "1668465588000",
    ]
    static let digestA = "0x110b97b11a01a4071d4e4121ed110c145aeb76cfdba36550962d418dbea53fbf"
    static let digestB = "0xbb50c9f36c6ce60191f005304dbfb1e7ed4f867d7f7375945ea9ff136adcad85"

    @Test func vectorA_ethereumV1Digest() async throws {
        let result = try await CLIRunner.run(Self.vectorA)
        #expect(result.status == 0 && result.stderr.isEmpty)
        #expect(result.stdout == Self.digestA + "\n")
    }

    @Test func vectorB_koinosV1Digest() async throws {
        let result = try await CLIRunner.run(Self.vectorB)
        #expect(result.status == 0 && result.stderr.isEmpty)
        #expect(result.stdout == Self.digestB + "\n")
    }

    @Test func vectorC_ethereumV2Digest() async throws {
        let result = try await CLIRunner.run([
            "digest", "eth-complete-transfer", "--profile", "v2", "--koinos-tx", "0x1220" + String(repeating: "11", count: 32),
            "--op-id", "2", "--token", "0x" + String(repeating: "22", count: 20), "--relayer", "0x" + String(repeating: "33", count: 20),
            "--recipient", "0x" + String(repeating: "44", count: 20), "--amount", "100000000", "--payment", "1000",
            "--metadata", "hello", "--bridge", "0x" + String(repeating: "55", count: 20), "--expiration", "1700000000000", "--chain", "1",
        ])
        #expect(result.status == 0)
        #expect(result.line == "0xa94e072fa0f35c07166a4efc4784ae7d066b96aa7b680b8f37b2a75aa887e0b8")
    }

    @Test func vectorD_koinosV2DigestOmitsDefaults() async throws {
        let base = [
            "digest", "complete-transfer", "--profile", "v2", "--eth-tx", "0x" + String(repeating: "66", count: 32),
            "--token", "1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju", "--recipient", "1NyaTjhcDQEZMGWSSmhEXZoP3G9NSQ7SZN",
            "--amount", "100000000", "--contract", "1Fp3iNkmGKMPVdTpC7i3rttBBXVi7CDoX7", "--expiration", "1700000000000",
            "--chain", "1",
        ]
        let expected = "0x96902ed5297ccd4492cf11985b758cd7440a935f16efdd5b0ef9b0fd4c22342d"
        #expect(try await CLIRunner.run(base).line == expected)
        // Explicit defaults encode exactly like absent fields (proto3 omits them).
        #expect(try await CLIRunner.run(base + ["--payment", "0", "--metadata", ""]).line == expected)
        #expect(try await CLIRunner.run(base + ["--payment", "1"]).line != expected)
    }

    /// Vector A's real signatures (ederaleng/koinos-bridge-ethereum scripts/complete-transfer.js).
    @Test func vectorA_realSignaturesRecoverTheValidators() async throws {
        let signatures = [
            "0xf41d6cdb452acb2f2dcae6d7bdf1a5ef679803f512505ccea3cc7ee313899337119c3ae79b77c77c2a44b6e8fe4ea8d6ced981d4f37c7c90cef9c0a118b641fe1c",
            "0x0164014af2a99d7763499403a4bed631bfab42fa95725ab150cfb86e974f997238a8e30c2ffd10c768b6b82032745a0c549188d6ba3d8b731fce06af17ab404a1b",
            "0x0d81c709a7cc7057cc4f19c6f8836b3ea1d775cfac8b622edcc6628abcce05ff07e6722bb2db337211b29f201d0829d52d2dfab1366331853d5a4c6506736bd71b",
        ]
        var recovered: [String] = []
        for signature in signatures {
            recovered.append(try await CLIRunner.run(["recover", "--digest", Self.digestA, "--signature", signature, "--format", "ethereum"]).line)
        }
        #expect(Set(recovered) == [
            "0xCF308c08C640d96361539e0ee6a9f52becf74E10", "0xf993dd06b7D037F46B9Eafe8cC1Cb8DdD1430a85",
            "0x61F5ebA30a319818c4BF3D48B3Ee1DdA78De710B",
        ])
    }

    /// Vector B's real signatures (as in the Koinos simulator's tests).
    @Test func vectorB_realSignaturesRecoverTheValidators() async throws {
        let signatures = [
            "IL1HmPger6O1erHP12qiQoWo9mFkXiRuCKWfM-BhFXY0bUh_Ex4213UV3ftK4JwEOUMKjT8TZsWKZM_ojJYb4pE=",
            "IHQGflMBSJVuYU9Im1mWE5r1IMvpfPKxsoAYkiRRAFz1J8Orflqo09PRm1uQ9J_z8G2XjKf5sG89S8yDaw_WQqA=",
            "H5vmEJi-3n1JSNjrHycDacTWNQusCpuiiwRyEB_SCng5TsKIUn06Qfln8ATroCMAdIFclQZ83lIIaqDTqmcX-BU=",
        ]
        var recovered: [String] = []
        for signature in signatures {
            recovered.append(try await CLIRunner.run(["recover", "--digest", Self.digestB, "--signature", signature, "--format", "koinos"]).line)
        }
        #expect(Set(recovered) == ["1Bf5W4LZ2FTmzPcA6d8QeLgAYmCKdZp2nN", "1KzgPU28BLWqPsQXahv7GZetJfPEnYRMkG", "1CGM2ckyJtaTuMFqMrbekMhsu7R1yFPAUX"])
    }

    @Test(arguments: [
        (["--eth-tx", "0x1234"], "--eth-tx"),
        (["--eth-tx", "eaf75ff289091a5df0215c47e383106c16439c9b5520de396c1b7c7e93f13ad1"], "--eth-tx"),
        (["--token", "1KazZFUnZSLjeXq2QrifdnYqiBvA7RVF3H"], "--token"),
        (["--amount", "-1"], "--amount"),
        (["--amount", "18446744073709551616"], "--amount"),
        (["--profile", "v3"], "--profile"),
        (["--relayer", "1Bf5W4LZ2FTmzPcA6d8QeLgAYmCKdZp2nN"], "--relayer is only part of the v2 digest"),
    ])
    func badCompleteTransferInputExitsTwo(override: [String], mentioning: String) async throws {
        var arguments = Self.vectorB
        if let index = arguments.firstIndex(of: override[0]) {
            arguments[index + 1] = override[1]
        } else {
            arguments += override
        }
        expectOneLineError(try await CLIRunner.run(arguments), status: 2, mentioning: mentioning)
    }

    @Test func missingOptionExitsTwo() async throws {
        let arguments = Array(Self.vectorA.dropLast(2))  // no --expiration
        expectOneLineError(try await CLIRunner.run(arguments), status: 2, mentioning: "missing --expiration")
    }

    @Test(arguments: [
        (["--token", "0xea756978B2D8754b0f92CAc325880aa13AF38f88"], "--token"),  // broken EIP-55 checksum
        (["--koinos-tx", "0x1320" + String(repeating: "00", count: 32)], "0x1220"),
        (["--op-id", "three"], "--op-id"),
        (["--chain", "1"], "--chain is only part of the v2 digest"),
    ])
    func badEthCompleteTransferInputExitsTwo(override: [String], mentioning: String) async throws {
        var arguments = Self.vectorA
        if let index = arguments.firstIndex(of: override[0]) {
            arguments[index + 1] = override[1]
        } else {
            arguments += override
        }
        expectOneLineError(try await CLIRunner.run(arguments), status: 2, mentioning: mentioning)
    }

    @Test func parserUsageErrorsAreOneLineAndExitTwo() async throws {
        expectOneLineError(try await CLIRunner.run(Self.vectorB + ["--amout", "1"]), status: 2, mentioning: "--amout")
        expectOneLineError(try await CLIRunner.run(["digest", "complete-transfer", "--profile"]), status: 2, mentioning: "--profile")
        let help = try await CLIRunner.run(["digest", "complete-transfer", "--help"])
        #expect(help.status == 0 && help.stdout.contains("--eth-tx"))
    }

    @Test func badRecoverInputExitsTwo() async throws {
        let signatureB = "IL1HmPger6O1erHP12qiQoWo9mFkXiRuCKWfM-BhFXY0bUh_Ex4213UV3ftK4JwEOUMKjT8TZsWKZM_ojJYb4pE="
        expectOneLineError(
            try await CLIRunner.run(["recover", "--digest", "0xbb50", "--signature", signatureB, "--format", "koinos"]),
            status: 2, mentioning: "--digest")
        expectOneLineError(
            try await CLIRunner.run(["recover", "--digest", Self.digestB, "--signature", "IL1H", "--format", "koinos"]),
            status: 2, mentioning: "65 bytes")
        expectOneLineError(
            try await CLIRunner.run(["recover", "--digest", Self.digestB, "--signature", signatureB, "--format", "bitcoin"]),
            status: 2, mentioning: "--format")
        // Header 24 is not a Koinos signature (only 31 and 32 are).
        let header27 = "G" + signatureB.dropFirst()
        expectOneLineError(
            try await CLIRunner.run(["recover", "--digest", Self.digestB, "--signature", header27, "--format", "koinos"]),
            status: 2, mentioning: "does not recover")
        expectOneLineError(
            try await CLIRunner.run(["recover", "--digest", Self.digestA, "--signature", "0x" + String(repeating: "ab", count: 64) + "1d", "--format", "ethereum"]),
            status: 2, mentioning: "does not recover")
    }
}

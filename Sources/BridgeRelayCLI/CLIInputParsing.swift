// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import ChainCrypto

/// Parsers for operator-supplied option values. Each throws `CLIFailure.badInput` naming the option.
///
/// Options are taken as strings and parsed here (not by ArgumentParser) so that a bad value gives
/// one clear line and exit status 2, the operator-tool contract of issue 3.
enum CLIInput {
    static func required(_ value: String?, _ option: String) throws -> String {
        guard let value, !value.isEmpty else { throw CLIFailure.badInput("missing \(option)") }
        return value
    }

    static func profile(_ text: String?) throws -> ContractProfile {
        let text = try required(text, "--profile")
        guard let profile = ContractProfile(rawValue: text) else { throw CLIFailure.badInput("--profile must be v1 or v2, got '\(text)'") }
        return profile
    }

    /// `0x` + exactly `count` bytes of hex.
    static func hex(_ text: String?, _ option: String, count: Int) throws -> [UInt8] {
        let text = try required(text, option)
        guard text.hasPrefix("0x") || text.hasPrefix("0X"), let bytes = ChainHex.decode(text), bytes.count == count else {
            throw CLIFailure.badInput("\(option) must be 0x followed by \(count * 2) hex digits")
        }
        return bytes
    }

    /// A 32-byte digest given as `0x` + 64 hex digits.
    static func digest(_ text: String?) throws -> [UInt8] { try hex(text, "--digest", count: 32) }

    /// A Koinos transaction id multihash: `0x1220` + 64 hex digits.
    static func koinosTransactionID(_ text: String?) throws -> [UInt8] {
        let bytes = try hex(text, "--koinos-tx", count: 34)
        guard bytes[0] == 0x12, bytes[1] == 0x20 else { throw CLIFailure.badInput("--koinos-tx must start with 0x1220 (sha2-256 multihash)") }
        return bytes
    }

    static func koinosAddress(_ text: String?, _ option: String) throws -> [UInt8] {
        let text = try required(text, option)
        guard let address = KoinosAddress(text) else { throw CLIFailure.badInput("\(option) is not a valid Koinos address: '\(text)'") }
        return address.bytes
    }

    static func ethereumAddress(_ text: String?, _ option: String) throws -> [UInt8] {
        let text = try required(text, option)
        guard let address = EthereumAddress(text) else {
            throw CLIFailure.badInput("\(option) is not a valid Ethereum address (0x + 40 hex, EIP-55 if mixed case): '\(text)'")
        }
        return address.bytes
    }

    static func uint64(_ text: String?, _ option: String) throws -> UInt64 {
        let text = try required(text, option)
        guard text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = UInt64(text) else {
            throw CLIFailure.badInput("\(option) must be a decimal integer in 0...\(UInt64.max), got '\(text)'")
        }
        return value
    }

    static func uint32(_ text: String?, _ option: String) throws -> UInt32 {
        let value = try uint64(text, option)
        guard let small = UInt32(exactly: value) else { throw CLIFailure.badInput("\(option) must be at most \(UInt32.max)") }
        return small
    }

    /// Rejects options that only the v2 layouts carry when the profile is v1.
    static func rejectV2Only(_ profile: ContractProfile, _ given: [(String, Bool)]) throws {
        guard profile == .v1 else { return }
        if let (option, _) = given.first(where: { $0.1 }) {
            throw CLIFailure.badInput("\(option) is only part of the v2 digest; remove it or use --profile v2")
        }
    }
}

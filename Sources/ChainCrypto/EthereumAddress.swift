// SPDX-License-Identifier: Apache-2.0
public import Primitives

/// A 20-byte Ethereum account address with EIP-55 checksummed text form.
public struct EthereumAddress: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 20 else { return nil }
        self.bytes = bytes
    }

    /// keccak256(uncompressed key without the 0x04 prefix), last 20 bytes.
    public init(publicKey: Secp256k1.PublicKey) {
        bytes = Array(Keccak256.hash(publicKey.uncompressed.dropFirst()).suffix(20))
    }

    /// Parses `0x` + 40 hex digits. All-lowercase or all-uppercase is accepted as is; mixed case
    /// must carry a valid EIP-55 checksum.
    public init?(_ text: String) {
        guard text.hasPrefix("0x"), text.utf8.count == 42, let raw = ChainHex.decode(text), raw.count == 20 else { return nil }
        let body = text.dropFirst(2)
        let mixed = body.contains(where: \.isLowercase) && body.contains(where: \.isUppercase)
        self.bytes = raw
        if mixed, checksummed != text { return nil }
    }

    /// EIP-55: uppercase a hex letter when the matching nibble of keccak(lowercase hex) ≥ 8.
    public var checksummed: String {
        let lower = Array(ChainHex.encode(bytes, prefix: false).utf8)
        let hash = Keccak256.hash(lower)
        var out: [UInt8] = [48, 120]
        for (i, c) in lower.enumerated() {
            let nibble = i % 2 == 0 ? hash[i / 2] >> 4 : hash[i / 2] & 0x0f
            out.append(c >= 97 && nibble >= 8 ? c - 32 : c)
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { checksummed }
}

/// This module's name for hex text: a thin forward to the one codec, `Primitives.HexCodec`.
public enum ChainHex {
    @inlinable
    public static func encode(_ bytes: some Sequence<UInt8>, prefix: Bool = true) -> String {
        HexCodec.encode(bytes, prefix: prefix)
    }

    /// Parses hex with or without `0x`/`0X`; nil on odd length or a non-hex character.
    @inlinable
    public static func decode(_ text: String) -> [UInt8]? { HexCodec.decode(text) }
}

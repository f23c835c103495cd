// SPDX-License-Identifier: Apache-2.0
public import Primitives

/// The domain's name for hex text: a thin forward to the one codec, `Primitives.HexCodec`.
///
/// The domain speaks `[UInt8]`; this gives the `0x`-prefixed lowercase hex that logs, the HTTP API
/// and the CLI print, and parses it back strictly (even length, hex digits only, `0x` optional).
public enum Hex {
    /// Lowercase hex of `bytes`, with a `0x` prefix when `prefix` is true.
    @inlinable
    public static func encode(_ bytes: some Sequence<UInt8>, prefix: Bool = true) -> String {
        HexCodec.encode(bytes, prefix: prefix)
    }

    /// Parses hex with or without `0x`; nil on odd length or a non-hex character.
    @inlinable
    public static func decode(_ text: String) -> [UInt8]? { HexCodec.decode(text) }

    /// Parses hex that must decode to exactly `count` bytes.
    @inlinable
    public static func decode(_ text: String, count: Int) -> [UInt8]? { HexCodec.decode(text, count: count) }
}

// SPDX-License-Identifier: Apache-2.0
import ChainCrypto

/// Contract entry point ids: the first 4 bytes of sha256(method name), big-endian (bridge-contracts.md §3.3).
public enum KoinosEntryPoint {
    /// The id of the AssemblyScript-SDK entry point `name`.
    public static func id(of name: String) -> UInt32 {
        let h = SHA256Digest.hash(Array(name.utf8))
        return UInt32(h[0]) << 24 | UInt32(h[1]) << 16 | UInt32(h[2]) << 8 | UInt32(h[3])
    }

    // Bridge contract (v1 and v2 share the ids).
    public static let completeTransfer: UInt32 = 0x4d4d_3ef9
    public static let getTransferStatus: UInt32 = 0x27ff_4bd5
    public static let getValidators: UInt32 = 0x5006_8f92
    public static let getMetadata: UInt32 = 0xfcf7_a68f
    public static let getSupportedTokens: UInt32 = 0xc8e3_6f04
    public static let getSupportedWrappedTokens: UInt32 = 0x2f54_0a24

    // Token contracts (KOIN and sdk-as tokens).
    public static let tokenTransfer: UInt32 = 0x27f5_76ca
    public static let tokenBalanceOf: UInt32 = 0x5c72_1497
    public static let tokenDecimals: UInt32 = 0xee80_fd2f
    public static let tokenSymbol: UInt32 = 0xb76a_7ca1
}

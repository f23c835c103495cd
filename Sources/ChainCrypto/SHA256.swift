// SPDX-License-Identifier: Apache-2.0
import Crypto
import Foundation

/// SHA-256 through swift-crypto, returning plain byte arrays.
public enum SHA256Digest {
    public static func hash(_ data: [UInt8]) -> [UInt8] {
        Array(Crypto.SHA256.hash(data: data))
    }

    /// sha256(sha256(data)), the base58check checksum hash.
    public static func doubleHash(_ data: [UInt8]) -> [UInt8] {
        hash(hash(data))
    }
}

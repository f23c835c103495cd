// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import Foundation
import Multiformats

/// Reads a libp2p PrivateKey protobuf from a file (raw bytes, or hex text).
enum P2PKeyFile {
    static func read(_ path: String) throws -> Libp2pPrivateKey {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        if let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
            let bytes = ChainHex.decode(text), !bytes.isEmpty
        {
            return try Libp2pPrivateKey(protobufEncoded: bytes)
        }
        return try Libp2pPrivateKey(protobufEncoded: Array(data))
    }
}

enum P2PFormat {
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let micros = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        return String(format: "%.3f", Double(micros) / 1000)
    }
}

// SPDX-License-Identifier: Apache-2.0
import Foundation
import Multiformats

/// Reads a libp2p PrivateKey protobuf from a file (raw bytes, or hex text).
enum P2PKeyFile {
    static func read(_ path: String) throws -> Libp2pPrivateKey {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        if let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
            let bytes = P2PHex.decode(text)
        {
            return try Libp2pPrivateKey(protobufEncoded: bytes)
        }
        return try Libp2pPrivateKey(protobufEncoded: Array(data))
    }
}

enum P2PHex {
    static func encode(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.hasPrefix("0x") ? text.dropFirst(2) : Substring(text))
        guard !characters.isEmpty, characters.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        for index in stride(from: 0, to: characters.count, by: 2) {
            guard let byte = UInt8(String(characters[index...index + 1]), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }
}

enum P2PFormat {
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let micros = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        return String(format: "%.3f", Double(micros) / 1000)
    }
}

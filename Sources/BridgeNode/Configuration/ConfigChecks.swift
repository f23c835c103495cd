// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import CurlTransport
import Foundation

/// Value checks used by `validate()`; each returns nil when fine, else the message for the key.
enum ConfigChecks {
    static func httpURLProblem(_ text: String) -> String? {
        if text.isEmpty { return "must be set (an http:// or https:// URL)" }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme) else {
            return "must be an http:// or https:// URL, got \(ConfigChecks.quoted(EndpointURL.redacted(text)))"
        }
        guard let host = url.host, !host.isEmpty else { return "URL has no host: \(ConfigChecks.quoted(EndpointURL.redacted(text)))" }
        if let port = url.port, !(1...65535).contains(port) { return "port must be 1-65535" }
        return nil
    }

    static func ethereumAddressProblem(_ text: String) -> String? {
        if text.isEmpty { return "must be set (0x followed by 40 hex digits)" }
        guard text.hasPrefix("0x"), text.utf8.count == 42, ChainHex.decode(text) != nil else {
            return "must be 0x followed by 40 hex digits, got \(ConfigChecks.quoted(text))"
        }
        guard let address = EthereumAddress(text) else { return "bad EIP-55 checksum (mixed case must match)" }
        _ = address
        return nil
    }

    static func koinosAddressProblem(_ text: String) -> String? {
        if text.isEmpty { return "must be set (a base58 Koinos address)" }
        guard let raw = Base58.decode(text) else { return "not base58: \(ConfigChecks.quoted(text))" }
        guard raw.count == 25, raw[0] == 0 else { return "not a Koinos address (25 bytes, version 0), got \(raw.count) bytes" }
        guard KoinosAddress(text) != nil else { return "bad base58check checksum" }
        return nil
    }

    /// Koinos chain ids are base64url (padded) of a 34-byte sha256 multihash (0x12 0x20 ‖ 32 bytes).
    static func koinosChainIDProblem(_ text: String) -> String? {
        if text.isEmpty { return "must be set (base64url of the chain id, as chain.get_chain_id returns it)" }
        var b64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64) else { return "not base64url: \(ConfigChecks.quoted(text))" }
        guard data.count == 34, data.first == 0x12, data.dropFirst().first == 0x20 else {
            return "must decode to a 34-byte sha256 multihash (starts with EiB), got \(data.count) bytes"
        }
        return nil
    }

    /// libp2p peer ids: base58btc of an identity multihash (12D3KooW…, 16U…) or sha256 multihash (Qm…).
    static func peerIDProblem(_ text: String) -> String? {
        if text.isEmpty { return "must be set (a base58 libp2p peer id)" }
        guard let raw = Base58.decode(text), raw.count >= 3 else { return "not a base58 peer id: \(ConfigChecks.quoted(text))" }
        switch raw[0] {
        case 0x00 where Int(raw[1]) == raw.count - 2 && raw.count <= 44: return nil
        case 0x12 where raw[1] == 0x20 && raw.count == 34: return nil
        default: return "not a libp2p peer id (identity or sha256 multihash)"
        }
    }

    /// `/ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>[/p2p/<peer id>]`.
    static func multiaddrProblem(_ text: String, needsPeerID: Bool) -> String? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 5, parts[0].isEmpty, ["ip4", "ip6", "dns", "dns4", "dns6"].contains(parts[1]) else {
            return "must look like /ip4/<address>/tcp/<port>\(needsPeerID ? "/p2p/<peer id>" : ""), got \(ConfigChecks.quoted(text))"
        }
        switch parts[1] {
        case "ip4": if IPv4Check.parse(parts[2]) == nil { return "\(ConfigChecks.quoted(parts[2])) is not an IPv4 address" }
        case "ip6": if !parts[2].contains(":") { return "\(ConfigChecks.quoted(parts[2])) is not an IPv6 address" }
        default: if parts[2].isEmpty { return "empty host name" }
        }
        guard parts[3] == "tcp", let port = UInt16(parts[4]) else { return "needs /tcp/<port 0-65535>" }
        if needsPeerID && port == 0 { return "a bootstrap peer needs a real port, not 0" }
        let rest = Array(parts.dropFirst(5))
        if needsPeerID {
            guard rest.count == 2, rest[0] == "p2p" else { return "must end with /p2p/<peer id>" }
            if let m = peerIDProblem(rest[1]) { return "peer id: \(m)" }
        } else if !rest.isEmpty {
            return "a listen address ends after /tcp/<port>"
        }
        return nil
    }

    /// `host:port` or `[v6]:port`; port 0 picks a free port.
    static func splitHostPort(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        return (host, Int(port))
    }

    static func listenAddressProblem(_ text: String) -> String? {
        splitHostPort(text) == nil ? "must be host:port with port 0-65535 (e.g. 127.0.0.1:8080), got \(ConfigChecks.quoted(text))" : nil
    }

    static func readableFileProblem(_ path: String, fileSystem: FileManager) -> String? {
        var isDirectory: ObjCBool = false
        guard fileSystem.fileExists(atPath: path, isDirectory: &isDirectory) else { return "file not found: \(shortened(path))" }
        if isDirectory.boolValue { return "is a directory, expected a file: \(shortened(path))" }
        return fileSystem.isReadableFile(atPath: path) ? nil : "file not readable: \(shortened(path))"
    }

    /// A secret must exist and be readable by nobody but its owner.
    static func secretFileProblem(_ path: String, fileSystem: FileManager) -> String? {
        if let m = readableFileProblem(path, fileSystem: fileSystem) { return m }
        if let mode = (try? fileSystem.attributesOfItem(atPath: path))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
            return "readable by group or others (mode \(String(mode, radix: 8))); chmod 600 \(shortened(path))"
        }
        return nil
    }

    static func dataDirectoryProblem(_ path: String, fileSystem: FileManager) -> String? {
        var isDirectory: ObjCBool = false
        if fileSystem.fileExists(atPath: path, isDirectory: &isDirectory) {
            if !isDirectory.boolValue { return "exists and is not a directory: \(shortened(path))" }
            return fileSystem.isWritableFile(atPath: path) ? nil : "directory not writable: \(shortened(path))"
        }
        let parent = (path as NSString).deletingLastPathComponent
        let base = parent.isEmpty ? "." : parent
        return fileSystem.fileExists(atPath: base) ? nil : "neither it nor its parent folder exists: \(shortened(path))"
    }
}

/// Dotted-quad IPv4 parsing (four 0-255 parts).
enum IPv4Check {
    static func parse(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { UInt8($0) }
        return bytes.count == 4 ? bytes : nil
    }
}

// SPDX-License-Identifier: Apache-2.0

/// A multiaddr limited to what a TCP libp2p node needs: ip4, ip6, tcp, dns, dns4, dns6, p2p.
/// Binary form: repeated `code uvarint ‖ value`; text form: `/ip4/127.0.0.1/tcp/4001/p2p/Qm…`.
public struct Multiaddr: Hashable, Sendable, CustomStringConvertible {
    /// One protocol component.
    public enum Component: Hashable, Sendable {
        case ip4([UInt8])
        case ip6([UInt8])
        case tcp(UInt16)
        case dns(String)
        case dns4(String)
        case dns6(String)
        case p2p(PeerID)

        var code: UInt64 {
            switch self {
            case .ip4: 4
            case .ip6: 41
            case .tcp: 6
            case .dns: 53
            case .dns4: 54
            case .dns6: 55
            case .p2p: 421
            }
        }
    }

    public let components: [Component]

    public init(components: [Component]) {
        self.components = components
    }

    /// Parses the text form.
    public init(_ text: String) throws {
        var parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.first == "", parts.count >= 3 else { throw MultiformatsError.malformedMultiaddr("must start with /") }
        parts.removeFirst()
        var components: [Component] = []
        var index = 0
        while index < parts.count {
            let name = parts[index]
            guard index + 1 < parts.count else { throw MultiformatsError.malformedMultiaddr("missing value for \(name)") }
            let value = parts[index + 1]
            index += 2
            switch name {
            case "ip4": components.append(.ip4(try IPAddressText.parseIPv4(value)))
            case "ip6": components.append(.ip6(try IPAddressText.parseIPv6(value)))
            case "tcp":
                guard let port = UInt16(value) else { throw MultiformatsError.malformedMultiaddr("tcp port \(value)") }
                components.append(.tcp(port))
            case "dns", "dns4", "dns6":
                guard !value.isEmpty else { throw MultiformatsError.malformedMultiaddr("empty host") }
                components.append(name == "dns" ? .dns(value) : name == "dns4" ? .dns4(value) : .dns6(value))
            case "p2p", "ipfs":
                guard let id = PeerID(value) else { throw MultiformatsError.malformedMultiaddr("peer id \(value)") }
                components.append(.p2p(id))
            default:
                throw MultiformatsError.malformedMultiaddr("unsupported protocol \(name)")
            }
        }
        self.init(components: components)
    }

    /// Parses the binary form.
    public init(bytes: [UInt8]) throws {
        var cursor = ByteCursor(bytes)
        var components: [Component] = []
        do {
            while !cursor.isAtEnd {
                let code = try cursor.readVarint()
                switch code {
                case 4: components.append(.ip4(try cursor.readBytes(4)))
                case 41: components.append(.ip6(try cursor.readBytes(16)))
                case 6:
                    let port = try cursor.readBytes(2)
                    components.append(.tcp(UInt16(port[0]) << 8 | UInt16(port[1])))
                case 53, 54, 55:
                    let length = try cursor.readVarint()
                    guard length <= 255, let host = String(validating: try cursor.readBytes(Int(length)), as: UTF8.self) else {
                        throw MultiformatsError.malformedMultiaddr("dns name")
                    }
                    components.append(code == 53 ? .dns(host) : code == 54 ? .dns4(host) : .dns6(host))
                case 421:
                    let length = try cursor.readVarint()
                    guard length <= 128 else { throw MultiformatsError.malformedMultiaddr("p2p length") }
                    components.append(.p2p(try PeerID(multihashBytes: try cursor.readBytes(Int(length)))))
                default:
                    throw MultiformatsError.malformedMultiaddr("unsupported protocol code \(code)")
                }
            }
        } catch let error as MultiformatsError {
            if case .malformedMultiaddr = error { throw error }
            throw MultiformatsError.malformedMultiaddr("truncated")
        }
        self.init(components: components)
    }

    /// The binary form.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        for component in components {
            out += UVarint.encode(component.code)
            switch component {
            case .ip4(let raw), .ip6(let raw): out += raw
            case .tcp(let port): out += [UInt8(port >> 8), UInt8(port & 0xff)]
            case .dns(let host), .dns4(let host), .dns6(let host):
                out += UVarint.encode(UInt64(host.utf8.count)) + Array(host.utf8)
            case .p2p(let id): out += UVarint.encode(UInt64(id.bytes.count)) + id.bytes
            }
        }
        return out
    }

    public var description: String {
        components.map { component in
            switch component {
            case .ip4(let raw): "/ip4/" + IPAddressText.formatIPv4(raw)
            case .ip6(let raw): "/ip6/" + IPAddressText.formatIPv6(raw)
            case .tcp(let port): "/tcp/\(port)"
            case .dns(let host): "/dns/\(host)"
            case .dns4(let host): "/dns4/\(host)"
            case .dns6(let host): "/dns6/\(host)"
            case .p2p(let id): "/p2p/\(id)"
            }
        }.joined()
    }

    /// The trailing `/p2p/…` peer id, if any.
    public var peerID: PeerID? {
        for case .p2p(let id) in components.reversed() { return id }
        return nil
    }

    /// The TCP port, if any.
    public var tcpPort: UInt16? {
        for case .tcp(let port) in components { return port }
        return nil
    }

    /// (host text, port) for dialing: the ip/dns component and the tcp port.
    public var hostAndPort: (host: String, port: Int)? {
        guard let port = tcpPort, let first = components.first else { return nil }
        switch first {
        case .ip4(let raw): return (IPAddressText.formatIPv4(raw), Int(port))
        case .ip6(let raw): return (IPAddressText.formatIPv6(raw), Int(port))
        case .dns(let host), .dns4(let host), .dns6(let host): return (host, Int(port))
        default: return nil
        }
    }

    public func appending(_ component: Component) -> Multiaddr {
        Multiaddr(components: components + [component])
    }

    public func withoutPeerID() -> Multiaddr {
        Multiaddr(components: components.filter { if case .p2p = $0 { false } else { true } })
    }
}

/// Text forms of IP addresses (no Foundation / inet_pton dependency).
enum IPAddressText {
    static func parseIPv4(_ text: String) throws -> [UInt8] {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { throw MultiformatsError.malformedMultiaddr("ip4 \(text)") }
        return try parts.map { part in
            guard part.count <= 3, let value = UInt8(part) else { throw MultiformatsError.malformedMultiaddr("ip4 \(text)") }
            return value
        }
    }

    static func formatIPv4(_ raw: [UInt8]) -> String {
        raw.map(String.init).joined(separator: ".")
    }

    static func parseIPv6(_ text: String) throws -> [UInt8] {
        let halves = text.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
        guard halves.count <= 2 else { throw MultiformatsError.malformedMultiaddr("ip6 \(text)") }
        func groups(_ part: String) throws -> [UInt16] {
            guard !part.isEmpty else { return [] }
            return try part.split(separator: ":", omittingEmptySubsequences: false).map { group in
                guard group.count <= 4, let value = UInt16(group, radix: 16) else { throw MultiformatsError.malformedMultiaddr("ip6 \(text)") }
                return value
            }
        }
        let head = try groups(halves[0])
        let tail = halves.count == 2 ? try groups(halves[1]) : []
        let fill = 8 - head.count - tail.count
        guard halves.count == 2 ? fill >= 1 : fill == 0 else { throw MultiformatsError.malformedMultiaddr("ip6 \(text)") }
        let all = head + [UInt16](repeating: 0, count: fill) + tail
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }

    static func formatIPv6(_ raw: [UInt8]) -> String {
        let groups = stride(from: 0, to: 16, by: 2).map { UInt16(raw[$0]) << 8 | UInt16(raw[$0 + 1]) }
        // Longest run of zero groups (length ≥ 2) becomes "::".
        var bestStart = -1, bestLength = 0, index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8, groups[end] == 0 { end += 1 }
                if end - index > bestLength { bestStart = index; bestLength = end - index }
                index = end
            } else {
                index += 1
            }
        }
        func hex(_ slice: ArraySlice<UInt16>) -> String { slice.map { String($0, radix: 16) }.joined(separator: ":") }
        guard bestLength >= 2 else { return hex(groups[...]) }
        return hex(groups[..<bestStart]) + "::" + hex(groups[(bestStart + bestLength)...])
    }
}

// SPDX-License-Identifier: Apache-2.0
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Binds each configured listen address once and releases it at once, before the node starts, so
/// a port in use is one line naming the key and the address rather than a socket error from
/// deep inside a starting service group.
///
/// The probe sets `SO_REUSEADDR` as the servers do, so a port only in TIME_WAIT is not reported.
/// Port 0 (the OS picks) is never probed. Blocking system calls: call it off the cooperative pool.
public enum ListenAddressProbe {
    /// One problem per listen address that cannot be bound (`http.listen`, `p2p.listen[i]`).
    public static func problems(_ configuration: BridgeNodeConfiguration) -> [ConfigurationProblem] {
        var out: [ConfigurationProblem] = []
        if configuration.http.enabled, let (host, port) = ConfigChecks.splitHostPort(configuration.http.listen),
            let m = bindProblem(host: host, port: port)
        {
            out.append(ConfigurationProblem(key: "http.listen", message: m))
        }
        for (i, address) in configuration.p2p.listen.enumerated() {
            let parts = address.split(separator: "/").map(String.init)
            guard parts.count >= 4, parts[2] == "tcp", let port = Int(parts[3]) else { continue }
            if let m = bindProblem(host: parts[1], port: port) {
                out.append(ConfigurationProblem(key: "p2p.listen[\(i)]", message: m))
            }
        }
        return out
    }

    /// Why `host:port` cannot be bound, or nil when it can (or the port is 0).
    public static func bindProblem(host: String, port: Int) -> String? {
        guard port != 0 else { return nil }
        let shown = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            return "\(shown): cannot resolve \(ConfigChecks.quoted(host))"
        }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { return "\(shown): cannot open a socket: \(String(cString: strerror(errno)))" }
        defer { close(fd) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let code = errno
            switch code {
            case EADDRINUSE: return "\(shown) is already in use by another process; choose a free port or stop that process"
            case EADDRNOTAVAIL: return "\(shown): \(host) is not an address of this machine"
            case EACCES: return "\(shown): permission denied (ports below 1024 need privileges)"
            default: return "\(shown): cannot bind: \(String(cString: strerror(code)))"
            }
        }
        return nil
    }
}

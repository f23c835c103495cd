// SPDX-License-Identifier: Apache-2.0
import Foundation

/// The one place endpoint URLs are made fit for logs, error lines and the API.
///
/// Providers put credentials in three spots: `user:password@` before the host, a key as a path
/// segment (`/v3/9aa3…`, `/v2/AbC…`, a token folder), and query parameters (`?apikey=…`). Each
/// is replaced by `***`; the scheme, host, port and short path segments (`/v3`, `/rpc`) stay so
/// the operator can still tell the endpoints apart.
public enum EndpointURL {
    /// Path segments at least this long that contain a digit are treated as keys.
    static let keyWithDigitsLength = 16
    /// Path segments at least this long are treated as keys whatever they contain.
    static let keyLength = 24

    /// `url` with user info, key-like path segments and query values masked; a fragment is dropped.
    public static func redacted(_ url: String) -> String {
        var rest = Substring(url)
        var out = ""
        if let scheme = rest.range(of: "://") {
            out += rest[..<scheme.upperBound]
            rest = rest[scheme.upperBound...]
        }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var query: Substring?
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<slash]
        if let at = authority.lastIndex(of: "@") {
            out += "***@"
            authority = authority[authority.index(after: at)...]
        }
        out += authority
        let segments = rest[slash...].split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for segment in segments { out += "/" + (looksLikeKey(segment) ? "***" : segment) }
        if let query {
            let pairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair in
                pair.firstIndex(of: "=").map { String(pair[..<$0]) + "=***" } ?? (looksLikeKey(pair) ? "***" : String(pair))
            }
            out += "?" + pairs.joined(separator: "&")
        }
        return out
    }

    static func looksLikeKey(_ segment: Substring) -> Bool {
        segment.count >= keyLength || (segment.count >= keyWithDigitsLength && segment.contains(where: \.isNumber))
    }
}

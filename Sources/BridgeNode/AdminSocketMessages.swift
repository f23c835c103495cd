// SPDX-License-Identifier: Apache-2.0
public import BridgeHTTPAPI

/// One request on the local admin socket: a single JSON line, answered by one JSON line.
public struct AdminSocketRequest: Codable, Sendable, Hashable {
    /// `propose`, `list`, `show`, `approve` or `submit`.
    public var command: String
    /// `propose`: the action (`add-validator`, …, `pause`, `unpause`).
    public var action: String?
    /// `propose`: the validator or token address (base58).
    public var address: String?
    /// `propose`: how long the signatures stay valid, in seconds.
    public var lifetime_s: UInt64?
    /// `show`, `approve`, `submit`: the proposal id (its digest in hex, or a unique prefix).
    public var id: String?
    /// `propose`: the bridge contract, `koinos` (default) or `ethereum`. The other commands find
    /// the proposal by its id in either.
    public var chain: String?

    public init(
        command: String, action: String? = nil, address: String? = nil, lifetime_s: UInt64? = nil, id: String? = nil, chain: String? = nil
    ) {
        self.chain = chain
        self.command = command
        self.action = action
        self.address = address
        self.lifetime_s = lifetime_s
        self.id = id
    }
}

/// The answer: `error` set on failure; otherwise the proposals concerned (and the transaction id
/// after `submit`).
public struct AdminSocketResponse: Codable, Sendable, Hashable {
    public var error: String?
    public var proposals: [AdminProposalJSON]
    public var transaction: String?

    public init(error: String? = nil, proposals: [AdminProposalJSON] = [], transaction: String? = nil) {
        self.error = error
        self.proposals = proposals
        self.transaction = transaction
    }
}

/// Where the node listens for admin commands: `admin.sock` in the data folder (mode 0600).
public enum AdminSocketPath {
    public static let fileName = "admin.sock"

    public static func inDataDirectory(_ directory: String) -> String { directory + "/" + fileName }
}

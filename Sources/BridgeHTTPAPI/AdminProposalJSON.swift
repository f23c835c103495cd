// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
import BridgeStore
import ChainCrypto
import Hummingbird

/// One admin proposal as `/v1/admin/proposals` and the admin socket print it: the digest (its id),
/// the decoded action, the signatures so far and, at quorum, the contract call.
public struct AdminProposalJSON: Codable, Sendable, Hashable {
    public var id: String
    /// `add-validator`, `remove-validator`, `add-token`, … `pause`, `unpause`.
    public var action: String
    public var action_id: UInt64
    /// The bridge contract it is for: `koinos` or `ethereum`.
    public var contract_chain: String?
    /// Validator or token address (base58 for Koinos, checksummed hex for Ethereum); nil for pause/unpause.
    public var target: String?
    public var paused: Bool?
    public var nonce: UInt64
    public var contract: String
    public var profile: String
    public var chain: UInt32
    public var expiration_ms: UInt64
    public var proposer: String
    public var proposed_at_ms: UInt64
    public var signers: [String]
    public var signatures: [String]
    public var required: Int
    public var ready: Bool
    public var submitted_tx: String?
    /// At quorum: the call (`method`, entry point, contract, argument bytes in hex).
    public var call: AdminCallJSON?

    public init(_ state: AdminProposalState, call: AdminContractCall? = nil) {
        let p = state.proposal
        let m = p.message
        id = p.id
        action = p.kind?.rawValue ?? "unknown"
        action_id = m.action.rawValue
        contract_chain = p.chain.rawValue
        switch m.target {
        case .address(let address):
            target = Self.address(address)
            paused = nil
        case .pause(let value):
            target = nil
            paused = value
        }
        nonce = m.nonce
        contract = Self.address(m.contract)
        profile = m.profile.rawValue
        chain = m.chain
        expiration_ms = m.expiration
        proposer = Self.address(p.proposer)
        proposed_at_ms = p.proposedAtMilliseconds
        signers = state.signatures.map { Self.address($0.validator) }
        signatures = state.signatures.map { TextForms.base64URL($0.signature) }
        required = state.required
        ready = state.isReady
        submitted_tx = state.submittedTransaction.map { Hex.encode($0) }
        self.call = call.map(AdminCallJSON.init)
    }

    /// Koinos addresses (25 bytes) in base58, Ethereum ones (20 bytes) as checksummed hex.
    static func address(_ bytes: [UInt8]) -> String {
        EthereumAddress(bytes: bytes).map(\.checksummed) ?? Base58.encode(bytes)
    }
}

/// Koinos: `call_contract_operation{contract, entry_point, arguments}`. Ethereum: the transaction's
/// `to` (`contract`) and its whole calldata (`arguments`, selector first; `entry_point` the selector).
public struct AdminCallJSON: Codable, Sendable, Hashable {
    public var method: String
    public var contract: String
    public var entry_point: String
    public var arguments: String

    public init(_ call: AdminContractCall) {
        method = call.method
        contract = AdminProposalJSON.address(call.contract)
        entry_point = "0x" + String(call.entryPoint, radix: 16)
        arguments = Hex.encode(call.arguments)
    }
}

/// `GET /v1/admin/proposals`: the stored admin proposals, read-only (acting on them goes through
/// the local admin socket only).
struct AdminProposalRoutes {
    let api: InspectionAPI

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v1/admin/proposals") { _, _ in
            let stored = try await api.store.adminProposals()
            return JSONResponse.make(AdminProposalListJSON(proposals: stored.map { AdminProposalJSON($0) }))
        }
    }
}

struct AdminProposalListJSON: Encodable {
    var proposals: [AdminProposalJSON]
}

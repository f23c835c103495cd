// SPDX-License-Identifier: Apache-2.0

/// Durable admin proposals (SQLite `admin_proposal` / `admin_signature`, migration v7-admin-proposals).
/// Every method is async: implementations run off the cooperative pool.
public protocol AdminProposalRepository: Sendable {
    /// Inserts or updates the proposal and adds the signatures not stored yet.
    func saveAdminProposal(_ state: AdminProposalState) async throws
    /// Deletes proposals (expired) and their signatures.
    func deleteAdminProposals(_ digests: [[UInt8]]) async throws
    /// Every stored proposal with its signatures, newest first.
    func adminProposals() async throws -> [AdminProposalState]
}

/// The Koinos bridge contract as the admin workflow needs it.
public protocol AdminContractPort: Sendable {
    /// The contract's shared admin nonce now (`get_metadata`).
    func currentNonce() async throws -> UInt64
    /// The call that carries the proposal's quorum set (nil below quorum), for the operator to read:
    /// contract, entry point and argument bytes.
    func readyCall(_ state: AdminProposalState) -> AdminContractCall?
    /// Signs and sends the call in a transaction; returns the transaction id.
    func submit(_ call: AdminContractCall) async throws -> [UInt8]
}

/// One contract call: `call_contract_operation{contract_id, entry_point, args}`.
public struct AdminContractCall: Sendable, Hashable {
    public var contract: [UInt8]
    public var entryPoint: UInt32
    public var arguments: [UInt8]
    /// The contract method's name (`add_validator`, `set_pause`, …).
    public var method: String

    public init(contract: [UInt8], entryPoint: UInt32, arguments: [UInt8], method: String) {
        self.contract = contract
        self.entryPoint = entryPoint
        self.arguments = arguments
        self.method = method
    }
}

/// Signs admin digests with the key the target contract checks: Koinos compact signatures for the
/// Koinos contract, 65-byte `r ‖ s ‖ v` for the Ethereum contract (the same validator key).
public protocol AdminSigning: Sendable {
    /// The address the contract knows this validator by (Koinos 25 bytes, Ethereum 20 bytes).
    var adminAddress: [UInt8] { get }
    func signAdmin(digest: [UInt8]) throws -> [UInt8]
}

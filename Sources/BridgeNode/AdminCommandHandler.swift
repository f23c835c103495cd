// SPDX-License-Identifier: Apache-2.0
public import BridgeAttestation
import BridgeCore
import BridgeHTTPAPI
import ChainCrypto

/// Answers admin-socket requests with the node's `AdminProposalService`. Every signing command is
/// an operator act arriving here; nothing else calls `propose` or `approve`.
public struct AdminCommandHandler: Sendable {
    let service: AdminProposalService
    /// Longest lifetime `propose` accepts (the pool refuses longer ones anyway).
    static let maxLifetimeSeconds: UInt64 = 7 * 24 * 3_600
    static let defaultLifetimeSeconds: UInt64 = 24 * 3_600

    public init(service: AdminProposalService) { self.service = service }

    public func answer(_ request: AdminSocketRequest) async -> AdminSocketResponse {
        do {
            return try await dispatch(request)
        } catch let error as AdminCommandError {
            return AdminSocketResponse(error: error.description)
        } catch {
            return AdminSocketResponse(error: "\(error)")
        }
    }

    private func dispatch(_ request: AdminSocketRequest) async throws -> AdminSocketResponse {
        switch request.command {
        case "list":
            return AdminSocketResponse(proposals: await service.proposals().map { AdminProposalJSON($0) })
        case "show":
            let state = try await service.proposal(try id(request))
            return AdminSocketResponse(proposals: [AdminProposalJSON(state, call: await service.readyCall(state))])
        case "approve":
            let state = try await service.approve(try id(request))
            return AdminSocketResponse(proposals: [AdminProposalJSON(state, call: await service.readyCall(state))])
        case "submit":
            let transaction = try await service.submit(try id(request))
            let state = try await service.proposal(try id(request))
            return AdminSocketResponse(proposals: [AdminProposalJSON(state)], transaction: Hex.encode(transaction))
        case "propose":
            guard let name = request.action, let kind = AdminActionKind(rawValue: name) else {
                return AdminSocketResponse(error: "unknown action; one of: \(AdminActionKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var address: [UInt8]?
            if kind.takesAddress {
                guard let text = request.address, let parsed = KoinosAddress(text) else {
                    return AdminSocketResponse(error: "\(name) needs a Koinos address (base58)")
                }
                address = parsed.bytes
            }
            let lifetime = request.lifetime_s ?? Self.defaultLifetimeSeconds
            guard lifetime > 0, lifetime <= Self.maxLifetimeSeconds else {
                return AdminSocketResponse(error: "lifetime must be 1…\(Self.maxLifetimeSeconds) seconds")
            }
            let state = try await service.propose(kind, address: address, lifetimeMilliseconds: lifetime * 1000)
            return AdminSocketResponse(proposals: [AdminProposalJSON(state, call: await service.readyCall(state))])
        default:
            return AdminSocketResponse(error: "unknown command \(request.command)")
        }
    }

    private func id(_ request: AdminSocketRequest) throws(AdminCommandError) -> String {
        guard let id = request.id, !id.isEmpty else { throw .unknownProposal("(none given)") }
        return id
    }
}

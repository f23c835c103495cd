// SPDX-License-Identifier: Apache-2.0
public import BridgeAttestation
import BridgeCore
import BridgeHTTPAPI
import ChainCrypto

/// Answers admin-socket requests with the node's `AdminProposalService`s (the Koinos contract's and,
/// when the node serves Koinos → Ethereum, the Ethereum contract's). Every signing command is an
/// operator act arriving here; nothing else calls `propose` or `approve`.
public struct AdminCommandHandler: Sendable {
    let service: AdminProposalService
    let ethereum: AdminProposalService?
    /// Longest lifetime `propose` accepts (the pool refuses longer ones anyway).
    static let maxLifetimeSeconds: UInt64 = 7 * 24 * 3_600
    static let defaultLifetimeSeconds: UInt64 = 24 * 3_600

    public init(service: AdminProposalService, ethereum: AdminProposalService? = nil) {
        self.service = service
        self.ethereum = ethereum
    }

    var services: [AdminProposalService] { [service] + (ethereum.map { [$0] } ?? []) }

    /// The service holding the proposal `prefix` names (ids are digests: they differ across chains).
    private func holder(_ prefix: String) async throws -> AdminProposalService {
        var found: [AdminProposalService] = []
        for candidate in services where (try? await candidate.proposal(prefix)) != nil { found.append(candidate) }
        guard found.count == 1, let only = found.first else {
            // Let the Koinos service report "unknown" or "ambiguous" in its words.
            _ = try await service.proposal(prefix)
            throw AdminCommandError.ambiguous(prefix)
        }
        return only
    }

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
            var all: [AdminProposalJSON] = []
            for service in services { all += await service.proposals().map { AdminProposalJSON($0) } }
            return AdminSocketResponse(proposals: all)
        case "show":
            let service = try await holder(try id(request))
            let state = try await service.proposal(try id(request))
            return AdminSocketResponse(proposals: [AdminProposalJSON(state, call: await service.readyCall(state))])
        case "approve":
            let service = try await holder(try id(request))
            let state = try await service.approve(try id(request))
            return AdminSocketResponse(proposals: [AdminProposalJSON(state, call: await service.readyCall(state))])
        case "submit":
            let service = try await holder(try id(request))
            let transaction = try await service.submit(try id(request))
            let state = try await service.proposal(try id(request))
            return AdminSocketResponse(proposals: [AdminProposalJSON(state)], transaction: Hex.encode(transaction))
        case "propose" where request.chain == AdminChain.ethereum.rawValue:
            guard let ethereum else {
                return AdminSocketResponse(error: "this node has no Ethereum admin service (it needs koinos.watcher and an Ethereum endpoint)")
            }
            return try await propose(request, on: ethereum, chain: .ethereum)
        case "propose" where request.chain != nil && request.chain != AdminChain.koinos.rawValue:
            return AdminSocketResponse(error: "unknown chain \(request.chain ?? ""); koinos or ethereum")
        case "propose":
            return try await propose(request, on: service, chain: .koinos)
        default:
            return AdminSocketResponse(error: "unknown command \(request.command)")
        }
    }

    private func propose(_ request: AdminSocketRequest, on service: AdminProposalService, chain: AdminChain) async throws -> AdminSocketResponse {
        guard let name = request.action, let kind = AdminActionKind(rawValue: name) else {
            return AdminSocketResponse(error: "unknown action; one of: \(AdminActionKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var address: [UInt8]?
        if kind.takesAddress {
            switch chain {
            case .koinos:
                guard let text = request.address, let parsed = KoinosAddress(text) else {
                    return AdminSocketResponse(error: "\(name) needs a Koinos address (base58)")
                }
                address = parsed.bytes
            case .ethereum:
                guard let text = request.address, let parsed = EthereumAddress(text) else {
                    return AdminSocketResponse(error: "\(name) needs an Ethereum address (0x + 40 hex digits, EIP-55 if mixed case)")
                }
                address = parsed.bytes
            }
        }
        let lifetime = request.lifetime_s ?? Self.defaultLifetimeSeconds
        guard lifetime > 0, lifetime <= Self.maxLifetimeSeconds else {
            return AdminSocketResponse(error: "lifetime must be 1…\(Self.maxLifetimeSeconds) seconds")
        }
        let state = try await service.propose(kind, address: address, lifetimeMilliseconds: lifetime * 1000)
        return AdminSocketResponse(proposals: [AdminProposalJSON(state, call: await service.readyCall(state))])
    }

    private func id(_ request: AdminSocketRequest) throws(AdminCommandError) -> String {
        guard let id = request.id, !id.isEmpty else { throw .unknownProposal("(none given)") }
        return id
    }
}

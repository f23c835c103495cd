// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import Synchronization

/// The validators' topic for admin proposals, in memory: a publish reaches every other node's
/// `inboundAdminProposals()` stream as the gossip endpoint would hand it over after validation
/// (the endpoint's own checks are tested in BridgeAttestationTests/AdminProposalGossipTests).
final class InMemoryAdminTopic: Sendable {
    struct Member: Sendable {
        var address: [UInt8]
        var continuation: AsyncStream<InboundAdminProposal>.Continuation
    }

    private let members = Mutex<[Member]>([])

    func port(for address: [UInt8]) -> Port { Port(topic: self, address: address) }

    struct Port: AdminProposalGossip {
        let topic: InMemoryAdminTopic
        let address: [UInt8]

        func publish(adminProposal: SignedAdminProposal) async {
            for member in topic.members.withLock({ $0 }) where member.address != address {
                member.continuation.yield(InboundAdminProposal(signed: adminProposal, sender: address))
            }
        }

        func inboundAdminProposals(for chain: AdminChain) -> AsyncStream<InboundAdminProposal> {
            let (stream, continuation) = AsyncStream.makeStream(of: InboundAdminProposal.self)
            topic.members.withLock { $0.append(Member(address: address, continuation: continuation)) }
            return stream
        }
    }
}

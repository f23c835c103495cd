// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Synchronization

/// Two validators' gossip joined back to back in memory: what one publishes, the other receives
/// as the validated `InboundGossip` the libp2p plugin would hand over. Counts what passed.
final class InMemoryGossipEnd: AttestationGossip, @unchecked Sendable {
    let validator: [UInt8]
    private let inbound: AsyncStream<InboundGossip>
    private let continuation: AsyncStream<InboundGossip>.Continuation
    private let peer = Mutex<InMemoryGossipEnd?>(nil)
    private let published = Mutex<(signatures: [SignedObservation], requests: [ObservationID])>(([], []))

    init(validator: [UInt8]) {
        self.validator = validator
        (inbound, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(10_000))
    }

    /// Joins `a` and `b` (each delivers to the other).
    static func pair(_ a: [UInt8], _ b: [UInt8]) -> (InMemoryGossipEnd, InMemoryGossipEnd) {
        let (left, right) = (InMemoryGossipEnd(validator: a), InMemoryGossipEnd(validator: b))
        left.peer.withLock { $0 = right }
        right.peer.withLock { $0 = left }
        return (left, right)
    }

    var publishedSignatures: [SignedObservation] { published.withLock { $0.signatures } }
    var publishedRequests: [ObservationID] { published.withLock { $0.requests } }

    private func deliver(_ message: InboundGossip) {
        peer.withLock { $0 }?.continuation.yield(message)
    }

    func publish(signatures: [SignedObservation]) async {
        published.withLock { $0.signatures += signatures }
        deliver(.signatures(signatures))
    }

    func publish(observationRequests: [ObservationID]) async {
        published.withLock { $0.requests += observationRequests }
        for id in observationRequests { deliver(.observationRequest(id, requester: validator)) }
    }

    func publish(attestations: [SignatureSet]) async { deliver(.attestations(attestations)) }

    func inboundMessages() -> AsyncStream<InboundGossip> { inbound }

    func fetchMissedAttestations(sinceMilliseconds: UInt64) async -> [SignatureSet] { [] }
}

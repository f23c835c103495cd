// SPDX-License-Identifier: Apache-2.0

extension GossipsubRouter {
    /// Messages of one RPC that passed the router's cheap checks and need a signature check.
    public struct ScreenedMessages: Sendable {
        public let peer: GossipPeerID
        public let messages: [GossipsubMessage]
        let strictSign: Bool
    }

    /// The outcome of checking screened messages in order, up to and including the first bad
    /// signature; `unchecked` are the messages after it, to be screened again once the router
    /// has penalised the peer.
    public struct CheckedMessages: Sendable {
        public let peer: GossipPeerID
        public let results: [(GossipsubMessage, signatureValid: Bool)]
        public let unchecked: [GossipsubMessage]
    }

    /// Checks the signatures of screened messages. A pure function: the `Gossipsub` actor calls it
    /// from a nonisolated context so an RPC full of signatures does not hold the actor. It stops at
    /// the first bad signature so the router re-checks the peer's score before any further check.
    /// Without StrictSign every message counts as valid; with StrictSign and no verifier none does.
    public static func verifySignatures(_ screened: ScreenedMessages, verifier: (any GossipSignatureVerifier)?) -> CheckedMessages {
        var results: [(GossipsubMessage, signatureValid: Bool)] = []
        for (index, message) in screened.messages.enumerated() {
            let valid: Bool
            if !screened.strictSign {
                valid = true
            } else if let verifier {
                valid = MessageSigning.verificationFailure(message, verifier: verifier) == nil
            } else {
                valid = false
            }
            results.append((message, valid))
            if !valid {
                return CheckedMessages(peer: screened.peer, results: results, unchecked: Array(screened.messages[(index + 1)...]))
            }
        }
        return CheckedMessages(peer: screened.peer, results: results, unchecked: [])
    }
}

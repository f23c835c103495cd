// SPDX-License-Identifier: Apache-2.0
import BridgeEthereum
import Ethereum
import Testing

/// What one transaction sent to several endpoints amounts to (pure).
struct RawTransactionBroadcastTests {
    @Test func oneEndpointTakingItIsEnoughAndTheOthersDuplicateAnswersAreNoErrors() {
        let answers: [RawTransactionBroadcast.Answer] = [
            .faulty(endpoint: 0, "garbage"), .accepted(endpoint: 1),
            .refused(endpoint: 2, .alreadyKnown), .refused(endpoint: 3, .nonceConflict(message: "nonce too low")),
        ]
        #expect(RawTransactionBroadcast.outcome(answers) == .sent(acceptedBy: [1, 2]))
        // "already known" alone: the node has it (sent before, or from a peer): sent.
        #expect(RawTransactionBroadcast.outcome([.refused(endpoint: 1, .alreadyKnown)]) == .sent(acceptedBy: [1]))
    }

    @Test func withoutATakerTheNonceConflictComesFirstThenOtherRefusalsThenFaults() {
        let underpriced = EthereumSendError.underpriced(message: "replacement transaction underpriced")
        let conflict = EthereumSendError.nonceConflict(message: "nonce too low")
        #expect(RawTransactionBroadcast.outcome([.refused(endpoint: 0, underpriced), .refused(endpoint: 1, conflict)]) == .refused(conflict))
        #expect(RawTransactionBroadcast.outcome([.faulty(endpoint: 0, "timeout"), .refused(endpoint: 1, underpriced)]) == .refused(underpriced))
        #expect(RawTransactionBroadcast.outcome([.faulty(endpoint: 0, "timeout"), .faulty(endpoint: 1, "http 500")])
                == .unreachable("endpoint 0: timeout; endpoint 1: http 500"))
        #expect(RawTransactionBroadcast.outcome([]) == .unreachable("every endpoint is excluded"))
    }

    @Test func aNodesVerdictIsNoEndpointFaultButAnUnclassifiedErrorIs() {
        #expect(EthereumSendError.reverted(reason: "x").isNodeVerdict)
        #expect(EthereumSendError.nonceConflict(message: "nonce too low").isNodeVerdict)
        #expect(!EthereumSendError.other(code: -32000, message: "header not found").isNodeVerdict)
    }
}

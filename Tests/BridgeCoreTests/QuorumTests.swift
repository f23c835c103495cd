// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Testing

struct QuorumTests {
    /// The table of bridge-contracts.md §2.6.
    @Test(arguments: [(1, 1, 1), (2, 2, 2), (3, 2, 2), (4, 3, 3), (5, 4, 3), (7, 5, 5), (9, 6, 6), (10, 7, 6)])
    func contractQuorumMatchesTheSpecTable(n: Int, v1: Int, v2: Int) {
        #expect(Quorum.required(validatorCount: n, profile: .v1) == v1)
        #expect(Quorum.required(validatorCount: n, profile: .v2) == v2)
    }

    @Test func legacyFormulaIsTheOldValidatorsThreshold() {
        #expect([1, 2, 3, 4, 5, 7, 9, 10].map(Quorum.legacyV1) == [1, 2, 3, 3, 4, 5, 7, 7])
    }

    @Test func submissionSetIsMinimalOrderedAndCurrentOnly() {
        let validators = ValidatorSet((1...4).map { [UInt8](repeating: UInt8($0), count: 25) })
        let outsider = [UInt8](repeating: 9, count: 25)
        let message = KoinosTransferMessage(profile: .v1, transactionID: [], token: [], recipient: [], amount: 1, contractID: [], expiration: 1)
        var attestation = Attestation(
            observationID: ObservationID(chainID: 1, transactionHash: [UInt8](repeating: 0, count: 32), logIndex: 0), profile: .v1,
            digest: [], message: message, signatures: [], status: .signing)
        attestation.signatures = [outsider, validators.addresses[3], validators.addresses[0]].map { ValidatorSignature(validator: $0, signature: [1]) }
        #expect(attestation.submissionSet(for: validators) == nil)  // 2 current < Q(4) = 3
        attestation.signatures.append(ValidatorSignature(validator: validators.addresses[1], signature: [2]))
        attestation.signatures.append(ValidatorSignature(validator: validators.addresses[1], signature: [3]))
        let set = attestation.submissionSet(for: validators)
        #expect(set?.map(\.validator) == [validators.addresses[0], validators.addresses[1], validators.addresses[3]])
    }

    @Test func observationIDTextRoundTripsAndRejectsGarbage() {
        let id = ObservationID(chainID: 1337, transactionHash: (0..<32).map { UInt8($0) }, logIndex: 7)
        #expect(ObservationID(id.description) == id)
        #expect(ObservationID("1337:0x00:7") == nil)
        #expect(ObservationID("x:y:z") == nil)
    }
}

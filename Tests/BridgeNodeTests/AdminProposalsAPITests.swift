// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeHTTPAPI
import BridgeSigning
import BridgeStore
import ChainCrypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// `GET /v1/admin/proposals` over real SQLite rows (migration v7-admin-proposals); read-only.
struct AdminProposalsAPITests {
    @Test func storedProposalsAreListedWithDigestActionAndSignatures() async throws {
        let fixture = try FilledDatabase(count: 1)
        defer { fixture.remove() }
        let signer = Secp256k1AttestationSigner(key: try Secp256k1.PrivateKey(rawRepresentation: Array(repeating: 0, count: 31) + [3]))
        let contract = KoinosAddress("1Fp3iNkmGKMPVdTpC7i3rttBBXVi7CDoX7")!.bytes
        let message = AdminActionMessage(profile: .v1, action: .setPause, target: .pause(true), nonce: 2, contract: contract, expiration: 1_700_000_000_000)
        let proposal = AdminProposal(message: message, proposer: signer.validatorAddress, proposedAtMilliseconds: 5, hashing: ChainHashing())
        let signature = ValidatorSignature(validator: signer.validatorAddress, signature: try signer.signKoinos(digest: proposal.digest))
        try await SQLiteAdminProposalRepository(fixture.database).saveAdminProposal(AdminProposalState(proposal: proposal, signatures: [signature], required: 2))

        let app = Application(router: fixture.api().buildRouter(logger: Logger(label: "test")))
        try await app.test(.router) { client in
            let body = try await client.execute(uri: "/v1/admin/proposals", method: .get) { try HTTPAPITests.json($0) }
            let items = try #require(body["proposals"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["id"] as? String == proposal.id)
            #expect(items.first?["action"] as? String == "pause")
            #expect(items.first?["paused"] as? Bool == true)
            #expect(items.first?["nonce"] as? Int == 2)
            #expect(items.first?["signers"] as? [String] == [Base58.encode(signer.validatorAddress)])
            #expect(items.first?["required"] as? Int == 2)
            #expect(items.first?["ready"] as? Bool == false)
            // Read-only: nothing but GET is routed.
            try await client.execute(uri: "/v1/admin/proposals", method: .post) { #expect($0.status != .ok) }
        }
        try await SQLiteAdminProposalRepository(fixture.database).deleteAdminProposals([proposal.digest])
        #expect(try await fixture.database.adminProposals().isEmpty)
    }
}

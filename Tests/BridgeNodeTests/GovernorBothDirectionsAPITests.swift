// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeHTTPAPI
import BridgeKoinos
import BridgeStore
import ChainCrypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// One governor section covering both directions: an Ethereum token and a Koinos token. A Koinos
/// lock above its token's threshold is held by the real `KoinosLockSigner` (real SQLite); then
/// `/v1/governor` lists both tokens (the Koinos one in base58, with the held lock and its release
/// time), `/v1/attestations?direction=koinos_to_ethereum&status=delayed` lists the lock, and the
/// operator's page has a governor line for each token.
struct GovernorBothDirectionsAPITests {
    @Test func governorRouteAndPageCoverKoinosToEthereumToo() async throws {
        var fixture = try FilledDatabase(count: 1)
        defer { fixture.remove() }
        let record = try await fixture.insertKoinosLock(signers: 0)  // 250,000 of the Koinos token at 1,700,000,000,000
        let koinos = fixture.koinosToken
        let policy = GovernorPolicy(tokens: [
            FilledDatabase.tokenA: GovernorLimits(dailyLimit: 150_000, singleTransferThreshold: 200_000),
            koinos.bytes: GovernorLimits(dailyLimit: 1_000_000, singleTransferThreshold: 100_000, bigTransferDelayMilliseconds: 60_000),
        ])
        let signer = KoinosLockSigner(key: fixture.keys[0], profile: .v2, store: SQLiteKoinosSignatureStore(fixture.database), governorStore: SQLiteGovernorRepository(fixture.database), clock: Clock(now: 1_700_000_010_000),
                                      governor: policy)
        #expect(try await signer.signPending(validators: [EthereumAddress(publicKey: fixture.keys[0].publicKey).bytes]).isEmpty)
        let id = record.observation.id.description

        var api = fixture.api()
        api.governor = policy
        api.clock = { 1_700_000_020_000 }
        let app = Application(router: api.buildRouter(logger: Logger(label: "test")))
        try await app.test(.router) { client in
            let body = try await client.execute(uri: "/v1/governor", method: .get) { try HTTPAPITests.json($0) }
            let tokens = try #require(body["tokens"] as? [[String: Any]])
            #expect(Set(tokens.compactMap { $0["token"] as? String }) == [EthereumAddress(bytes: FilledDatabase.tokenA)?.checksummed ?? "", koinos.base58])
            let koinosEntry = try #require(tokens.first { $0["token"] as? String == koinos.base58 })
            let queued = try #require(koinosEntry["queued"] as? [[String: Any]])
            #expect(queued.map { $0["id"] as? String } == [id])
            #expect(queued.first?["reason"] as? String == "big_transfer")
            #expect(queued.first?["release_at_ms"] as? Int == 1_700_000_060_000)
            #expect(koinosEntry["used"] as? String == "0", "a big transfer is not counted in the window")

            let page = try await client.execute(uri: "/v1/attestations?direction=koinos_to_ethereum&status=delayed", method: .get) {
                try HTTPAPITests.json($0)
            }
            let items = try #require(page["items"] as? [[String: Any]])
            #expect(items.map { $0["id"] as? String } == [id])
            #expect((items.first?["signatures"] as? [Any])?.isEmpty == true)

            let home = try await client.execute(uri: "/", method: .get) { String(buffer: $0.body) }
            #expect(home.contains("<code>\(koinos.base58)</code>"), "a governor line for the Koinos token")
            #expect(home.contains("<td>1000000</td><td>0</td><td>1000000</td>"))
            #expect(home.contains("<td>big_transfer</td>"))
        }
    }

    private struct Clock: BridgeClock {
        let now: UInt64
        var nowMilliseconds: UInt64 { now }
    }
}


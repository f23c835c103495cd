// SPDX-License-Identifier: Apache-2.0
import BridgeHTTPAPI
@testable import BridgeNode
import ChainCrypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Koinos
import KoinosTestSupport
import Logging
import ProcessTestSupport
import Testing

/// The page's token symbols and decimals come from the Koinos token contracts (the simulator's
/// KOIN), read in the background; a contract that does not answer keeps its short id.
struct KoinosTokenNamesTests {
    @Test func symbolsAreReadFromTheTokenContractsAndShownOnThePage() async throws {
        guard let sim = try await KoinosSimulatorProcess.start(["--validators", "1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju", "--block-interval-ms", "0"])
        else { return }
        let fixture = try FilledDatabase(count: 4)
        defer { fixture.remove() }
        let nobody = KoinosAddress(publicKey: Secp256k1.PrivateKey.generate().publicKey).base58
        let names = KoinosTokenNames(
            configured: [
                TokenDisplay(ethereumToken: FilledDatabase.tokenA, koinosToken: Base58.encode(sim.koin), symbol: nil),
                TokenDisplay(ethereumToken: FilledDatabase.tokenB, koinosToken: nobody, symbol: nil),
            ],
            rpc: sim.rpc)
        #expect(names.current().allSatisfy { $0.symbol == nil })  // answers at once, reading starts behind it
        var named: [TokenDisplay] = []
        _ = await eventually(.seconds(30)) {  // returns as soon as a symbol is read
            named = names.current()
            return named.contains(where: { $0.symbol != nil })
        }
        await sim.stop()
        #expect(named.map(\.symbol) == ["KOIN", nil])
        #expect(named.first?.decimals == 8)
        #expect(KoinosTokenNames(configured: named, rpc: nil).current() == named)

        var api = fixture.api()
        api.tokens = { names.current() }
        let app = Application(router: api.buildRouter(logger: Logger(label: "test")))
        try await app.test(.router) { client in
            let html = try await client.execute(uri: "/", method: .get) { String(buffer: $0.body) }
            #expect(html.components(separatedBy: "<td>KOIN</td>").count - 1 == 2)  // rows 0 and 2 lock tokenA
            #expect(html.contains("<td>\(PageTextShort.of(nobody))</td>"))
        }
    }
}

/// The page's short form of a Koinos id in a token cell (6 + … + 4), written out here.
enum PageTextShort {
    static func of(_ text: String) -> String { "\(text.prefix(6))…\(text.suffix(4))" }
}

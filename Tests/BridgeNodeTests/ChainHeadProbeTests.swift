// SPDX-License-Identifier: Apache-2.0
import BridgeHTTPAPI
@testable import BridgeNode
import Foundation
import Hummingbird
import HummingbirdTesting
import Koinos
import KoinosTestSupport
import Logging
import ProcessTestSupport
import Testing

/// The page's Koinos head comes from the Koinos node, read behind the page (the simulator here).
struct ChainHeadProbeTests {
    @Test func koinosHeadIsReadInTheBackgroundAndShownInTheHeader() async throws {
        guard let sim = try await KoinosSimulatorProcess.start(["--validators", "1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju", "--block-interval-ms", "0"])
        else { return }
        try await sim.produceBlock(count: 3)
        let height = try await sim.rpc.headInfo().height
        #expect(height >= 3)
        let probe = ChainHeadProbe(pool: nil, koinosRPC: sim.rpc)
        #expect(await probe.current() == ChainHeads())  // answers at once; the read starts behind it
        var heads = ChainHeads()
        _ = await eventually(.seconds(30)) {
            heads = await probe.current()
            return heads.koinos != nil
        }
        await sim.stop()
        #expect(heads == ChainHeads(ethereum: nil, koinos: height))
        // The simulator is gone: the next read fails and the last height stays.
        await probe.readKoinosHead()
        #expect(await probe.current().koinos == height)

        let fixture = try FilledDatabase(count: 2)
        defer { fixture.remove() }
        var api = fixture.api()
        api.chainHeads = { ChainHeads(ethereum: 512, koinos: await probe.current().koinos) }
        let app = Application(router: api.buildRouter(logger: Logger(label: "test")))
        try await app.test(.router) { client in
            let html = try await client.execute(uri: "/", method: .get) { String(buffer: $0.body) }
            #expect(html.contains("id=\"koinos-head\">\(height)</td>"))
            #expect(html.contains("id=\"ethereum-head\">512</td><td class=\"num\">500</td><td>12 blocks</td>"))  // fixture cursor 500
        }
    }
}

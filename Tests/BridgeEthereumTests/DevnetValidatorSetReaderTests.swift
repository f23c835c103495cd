// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeTesting
import ChainCrypto
import CurlTransport
import Ethereum
import JSONRPC
import Synchronization
import Testing

/// The Koinos → Ethereum signer's view of the contract's set on the real devnet: the whole set
/// (1 + N `eth_call`s) is read once, then one `nonce()` call per round while the nonce stands,
/// and the whole set again when it is a minute old.
extension DevnetWatcherTests {
    /// Counts the requests sent to the devnet.
    final class CountingTransport: JSONRPCTransport {
        let inner: CurlHTTPTransport
        let posts = Mutex(0)
        init(url: String) { inner = CurlHTTPTransport(url: url) }
        var endpointDescription: String { inner.endpointDescription }
        func post(_ body: [UInt8]) async throws -> [UInt8] {
            posts.withLock { $0 += 1 }
            return try await inner.post(body)
        }
    }

    @Test func theSetIsReadAgainOnlyWhenTheNonceMovesOrItIsAMinuteOld() async throws {
        let devnet = try await SharedDevnet.get()
        let transport = CountingTransport(url: devnet.rpcURL)
        let clock = VirtualClock()
        let bridge = try #require(ChainHex.decode(devnet.bridge))
        let reader = BridgeValidatorSetReader(rpc: EthereumRPCClient(transport: transport), bridge: bridge, clock: clock)
        let expected = try await EthereumRPCClient(rpc: devnet.rpc).bridgeValidatorSet(bridge: bridge)
        #expect(expected.count == 3)
        #expect(try await reader.current() == expected)
        #expect(transport.posts.withLock { $0 } == 1 + 1 + 3, "nonce, length, three validators")
        for _ in 0..<5 {
            clock.advance(milliseconds: 1_000)
            #expect(try await reader.current() == expected)
        }
        #expect(transport.posts.withLock { $0 } == 5 + 5, "one nonce() call per round while the nonce stands")
        clock.advance(milliseconds: 60_000)
        #expect(try await reader.current() == expected)
        #expect(transport.posts.withLock { $0 } == 10 + 5, "a minute old: the whole set again")
        #expect(EthereumRPCClient.adminNonceSelector == [0xaf, 0xfe, 0xd0, 0xe0])
    }
}

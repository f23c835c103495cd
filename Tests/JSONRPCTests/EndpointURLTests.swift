// SPDX-License-Identifier: Apache-2.0
import CurlTransport
import Testing

/// Endpoint URLs as logs and error lines show them: credentials masked wherever providers put them.
struct EndpointURLTests {
    @Test(arguments: [
        ("https://mainnet.infura.io/v3/9aa3d95b3bc440fa88ea12eaa4456161", "https://mainnet.infura.io/v3/***"),
        ("https://eth-mainnet.g.alchemy.com/v2/AbCdEfGhIjKlMnOpQrStUvWxYz012345", "https://eth-mainnet.g.alchemy.com/v2/***"),
        ("https://user:secret@node.example:8545/rpc", "https://***@node.example:8545/rpc"),
        ("https://x.quiknode.pro/0123456789abcdef0123/", "https://x.quiknode.pro/***/"),
        ("https://rpc.example/?apikey=hidden&x=1", "https://rpc.example/?apikey=***&x=***"),
        ("http://127.0.0.1:8545", "http://127.0.0.1:8545"),
        ("https://api.avax.network/ext/bc/C/rpc", "https://api.avax.network/ext/bc/C/rpc"),
        ("https://rpc.example/mainnet#fragment-token", "https://rpc.example/mainnet"),
    ])
    func secretsAreMasked(url: String, shown: String) {
        #expect(EndpointURL.redacted(url) == shown)
        #expect(CurlHTTPTransport(url: url).endpointDescription == shown)
    }
}

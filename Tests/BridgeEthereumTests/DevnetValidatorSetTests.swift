// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import Ethereum
import JSONRPC
import Testing

/// The Ethereum bridge contract's validator set read with `eth_call` (`getValidatorsLength`, then
/// `validators(i)`) on the real devnet: the Koinos → Ethereum quorum is counted over this set.
extension DevnetWatcherTests {
    @Test func theValidatorSetIsReadFromTheEthereumContract() async throws {
        let devnet = try await SharedDevnet.get()
        let client = EthereumRPCClient(rpc: devnet.rpc)
        let bridge = try #require(ChainHex.decode(devnet.bridge))
        let expected = try (0..<3).map { i in
            let key = try Secp256k1.PrivateKey(rawRepresentation: Keccak256.hash(Array("devnet-validator-\(i)".utf8)))
            return EthereumAddress(publicKey: key.publicKey).bytes
        }
        #expect(try await client.bridgeValidatorSet(bridge: bridge) == expected)
        // a contract without those views (the token) answers nothing decodable: an error, not a set
        let token = try #require(ChainHex.decode(devnet.token))
        await #expect(throws: (any Error).self) { _ = try await client.bridgeValidatorSet(bridge: token) }
        #expect(EthereumRPCClient.getValidatorsLengthSelector == [0xff, 0x7a, 0x07, 0x1b] && EthereumRPCClient.validatorsSelector == [0x35, 0xaa, 0x2e, 0x44])
    }
}

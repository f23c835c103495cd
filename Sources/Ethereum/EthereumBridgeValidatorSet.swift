// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import JSONRPC

/// Reads the Ethereum bridge contract's current validator set with `eth_call`:
/// `getValidatorsLength()` then `validators(i)` for each index (bridge-contracts.md §3.1;
/// contracts/ethereum/Bridge.vy). Read again whenever the set is needed, so a rotation on the
/// contract is followed without a restart.
extension EthereumRPCClient {
    /// `getValidatorsLength()` selector.
    public static let getValidatorsLengthSelector: [UInt8] = Array(Keccak256.hash(Array("getValidatorsLength()".utf8)).prefix(4))
    /// `validators(uint256)` selector.
    public static let validatorsSelector: [UInt8] = Array(Keccak256.hash(Array("validators(uint256)".utf8)).prefix(4))
    /// `nonce()` selector: the shared admin nonce (starts at 1, +1 per executed admin call).
    public static let adminNonceSelector: [UInt8] = Array(Keccak256.hash(Array("nonce()".utf8)).prefix(4))

    /// The contract's admin nonce at `tag`; every change of its validator set increments it.
    public func bridgeAdminNonce(bridge: [UInt8], at tag: BlockTag = .latest) async throws -> UInt64 {
        guard let nonce = try await viewCall(bridge, Self.adminNonceSelector, tag).uint64 else {
            throw EthereumDecodingError.invalidField("nonce()", "not a uint64")
        }
        return nonce
    }

    /// The contract's validators (20-byte addresses, contract order) at `tag`. Throws on a
    /// malformed answer or a set larger than `maxValidators` (a lying or wrong contract).
    public func bridgeValidatorSet(bridge: [UInt8], at tag: BlockTag = .latest, maxValidators: UInt64 = 1_000) async throws -> [[UInt8]] {
        let lengthWord = try await viewCall(bridge, Self.getValidatorsLengthSelector, tag)
        guard let count = lengthWord.uint64, count <= maxValidators else {
            throw EthereumDecodingError.invalidField("getValidatorsLength", "not a count ≤ \(maxValidators)")
        }
        var addresses = [[UInt8]]()
        for index in 0..<count {
            let word = try await viewCall(bridge, Self.validatorsSelector + ABIWord(index).bytes, tag)
            guard word.bytes.prefix(12).allSatisfy({ $0 == 0 }) else {
                throw EthereumDecodingError.invalidField("validators(\(index))", "not an address")
            }
            addresses.append(Array(word.bytes.suffix(20)))
        }
        return addresses
    }

    /// `eth_call` of a view returning one 32-byte word.
    private func viewCall(_ to: [UInt8], _ data: [UInt8], _ tag: BlockTag) async throws -> ABIWord {
        let call: JSONValue = .object(["to": .string(HexData.encode(to)), "data": .string(HexData.encode(data))])
        let value = try await rpc.call("eth_call", .array([call, tag.json]))
        guard let text = value.stringValue else { throw EthereumDecodingError.invalidField("eth_call", "not a string") }
        let bytes = try HexData.decode(text, field: "eth_call")
        guard bytes.count == 32, let word = ABIWord(bytes: bytes) else { throw EthereumDecodingError.invalidField("eth_call", "not one 32-byte word") }
        return word
    }
}

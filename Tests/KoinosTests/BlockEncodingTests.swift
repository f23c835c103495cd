// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import JSONRPC
import Koinos
import Primitives
import Testing

/// `koinos.protocol.block` from the JSON `block_store` gives to the protobuf bytes peers exchange:
/// the koilib block vector (koinos.md §8.3), and a block with every operation kind whose re-encoded
/// parts must hash to the ids in the JSON — a field lost or altered on the way is refused.
struct BlockEncodingTests {
    let key = try! Secp256k1.PrivateKey(rawRepresentation: SHA256Digest.hash(Array("block encoding test".utf8)))

    @Test func koilibBlockHeaderHashesToItsID() throws {
        let header = KoinosBlockHeader(
            previous: try #require(ChainHex.decode("0x12203c7c767900e472ada19b5acd4e46af8a33911b282eb29003048c83061673c5b4")),
            height: 123, timestampMs: 1_646_252_907_250,
            previousStateMerkleRoot: try #require(Base64URL.decode("EiBBZoKzt9IK39bRSFl1AGroqsP0vxG67jQifTEpYbjrdQ==")),
            transactionMerkleRoot: try #require(Base64URL.decode("EiDjsMRCmPwcFJr79MiZb7kkJ65B5GSbk0yklZkbeFK4VQ==")),
            signer: try #require(KoinosAddress("1GE2JqXw5LMQaU1sj82Dy8ZEe2BRXQS1cs")).bytes)
        #expect(ChainHex.encode(header.blockID) == "0x1220b86711a6ecd9c4fff1488a9a1df1db6047425f5de80b396a40f1c29cfb6d0790")
        #expect(KoinosBlock.transactionMerkleRoot([]) == header.transactionMerkleRoot)  // no transactions: sha256("")
    }

    @Test func jsonBlockReEncodesToTheBytesItsIDsWereHashedFrom() throws {
        let (json, transaction) = try sampleBlockJSON()
        let block = try KoinosBlock(json: json)
        let bytes = block.encoded()
        let fields = try KoinosProtoReader.fields(bytes)
        #expect(fields.map(\.number) == [1, 2, 3, 4])
        let id = try #require(fields[0].payload)
        #expect(KoinosMultihash.sha256(try #require(fields[1].payload)) == id)
        #expect(fields[2].payload == transaction.encoded())
        #expect(ChainHex.encode(id) == json["id"]?.stringValue)
        let header = try KoinosProtoReader.fields(try #require(fields[1].payload))
        #expect(header.map(\.number) == [1, 2, 3, 4, 5, 6, 7, 7])
    }

    @Test func alteredJSONIsRefused() throws {
        let (json, _) = try sampleBlockJSON()
        func altered(_ change: (inout [String: JSONValue]) -> Void) -> JSONValue {
            guard case .object(var object) = json else { return json }
            change(&object)
            return .object(object)
        }
        func transaction(_ change: @escaping (inout [String: JSONValue]) -> Void) -> (inout [String: JSONValue]) -> Void {
            { block in
                guard case .array(let list)? = block["transactions"], case .object(var tx)? = list.first else { return }
                change(&tx)
                block["transactions"] = .array([.object(tx)])
            }
        }
        let cases: [(String, JSONValue)] = [
            ("timestamp", altered { $0["header"] = .object(($0["header"]?.objectValue ?? [:]).merging(["timestamp": .string("7")]) { $1 }) }),
            ("a dropped signature", altered(transaction { $0["signatures"] = .array([]) })),
            ("rc_limit", altered(transaction { $0["header"] = .object(($0["header"]?.objectValue ?? [:]).merging(["rc_limit": .string("1")]) { $1 }) })),
            ("an operation's args", altered(transaction { tx in
                guard case .array(var ops)? = tx["operations"] else { return }
                ops[0] = KoinosOperation.callContract(.init(contractID: Array("contract_id".utf8), entryPoint: 12, args: [9])).json
                tx["operations"] = .array(ops)
            })),
            ("a dropped operation", altered(transaction { tx in
                guard case .array(let ops)? = tx["operations"] else { return }
                tx["operations"] = .array(Array(ops.dropLast()))
            })),
        ]
        for (what, json) in cases {
            #expect(throws: KoinosError.self, "\(what) altered") { _ = try KoinosBlock(json: json) }
        }
        #expect(throws: KoinosError.self) { _ = try KoinosBlock(json: .string("block")) }
        #expect(throws: KoinosError.self) { _ = try KoinosBlock(json: .object(["transactions": .string("x")])) }
    }

    /// A signed block of one transaction holding all four operation kinds, rendered as
    /// `block_store` renders it, with two approved proposals.
    private func sampleBlockJSON() throws -> (JSONValue, KoinosTransaction) {
        let contract = Array("contract_id".utf8)
        let payer = KoinosAddress(publicKey: key.publicKey).bytes
        var transaction = KoinosTransaction.make(
            chainID: KoinosMultihash.sha256(Array("chain".utf8)), rcLimit: 10, nonce: 3, payer: payer,
            operations: [
                .callContract(.init(contractID: contract, entryPoint: 12, args: Array("args".utf8))),
                .setSystemCall(.init(callID: 23, target: .thunkID(0))),
                .setSystemCall(.init(callID: 24, target: .bundle(contractID: contract, entryPoint: 5))),
                .uploadContract({
                    var upload = KoinosOperation.UploadContract(contractID: contract, bytecode: Array("bytecode".utf8))
                    upload.abi = "{}"
                    upload.authorizesCallContract = true
                    return upload
                }()),
                .setSystemContract(.init(contractID: contract, systemContract: true)),
            ])
        try transaction.sign(with: key)
        let header = KoinosBlockHeader(
            previous: KoinosMultihash.sha256([1]), height: 9, timestampMs: 1_700_000_000_000,
            previousStateMerkleRoot: KoinosMultihash.sha256([2]), transactionMerkleRoot: KoinosBlock.transactionMerkleRoot([transaction]),
            signer: payer, approvedProposals: [KoinosMultihash.sha256([3]), KoinosMultihash.sha256([4])])
        let signature = try KoinosSignature.sign(digest: Array(header.blockID.dropFirst(2)), key: key)
        let json: JSONValue = .object([
            "id": KoinosJSON.id(header.blockID),
            "header": .object([
                "previous": KoinosJSON.id(header.previous), "height": KoinosJSON.uint64(header.height),
                "timestamp": KoinosJSON.uint64(header.timestampMs),
                "previous_state_merkle_root": KoinosJSON.bytes(header.previousStateMerkleRoot),
                "transaction_merkle_root": KoinosJSON.bytes(header.transactionMerkleRoot),
                "signer": KoinosJSON.address(header.signer), "approved_proposals": .array(header.approvedProposals.map(KoinosJSON.id)),
            ]),
            "transactions": .array([transaction.json]),
            "signature": KoinosJSON.bytes(signature),
        ])
        return (json, transaction)
    }
}

extension JSONValue {
    fileprivate var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }
}

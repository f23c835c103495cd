// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import Ethereum

/// Reads a signed EIP-1559 transaction (0x02 ‖ rlp([chainId, nonce, tip, maxFee, gas, to, value,
/// data, accessList, yParity, r, s])) back into its fields and recovers its sender, as a node does
/// on `eth_sendRawTransaction`. Anything else is refused as a node refuses it.
enum SignedTransactionDecoder {
    static func decode(_ raw: [UInt8]) throws -> (EIP1559Transaction, from: [UInt8]) {
        guard raw.first == 0x02 else { throw refusal("transaction type not supported") }
        var reader = Reader(bytes: Array(raw.dropFirst()))
        var fields = Reader(bytes: try reader.list())
        guard reader.atEnd else { throw refusal("trailing bytes") }
        let chainID = try fields.uint(), nonce = try fields.uint(), tip = try fields.uint(), maxFee = try fields.uint()
        let gas = try fields.uint(), to = try fields.string(), value = try fields.uint(), data = try fields.string()
        guard try fields.list().isEmpty else { throw refusal("access lists are not scripted") }
        let parity = try fields.uint(), r = try fields.string(), s = try fields.string()
        guard fields.atEnd, to.count == 20, parity <= 1, r.count <= 32, s.count <= 32 else { throw refusal("invalid transaction fields") }
        let transaction = EIP1559Transaction(
            chainID: chainID, nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee, gasLimit: gas, to: to, value: value, data: data)
        let pad = { (b: [UInt8]) in [UInt8](repeating: 0, count: 32 - b.count) + b }
        do {
            let signature = try Secp256k1.RecoverableSignature(r: pad(r), s: pad(s), recoveryID: Int(parity))
            let key = try signature.recoverPublicKey(digest: transaction.signingHash)
            return (transaction, EthereumAddress(publicKey: key).bytes)
        } catch {
            throw refusal("invalid sender")
        }
    }

    static func refusal(_ message: String) -> EthereumSendError { .other(code: -32000, message: message) }

    /// A cursor over RLP items (strings and lists; lengths checked, nothing trapped).
    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        var atEnd: Bool { offset == bytes.count }

        mutating func string() throws -> [UInt8] {
            let (isList, payload) = try item()
            guard !isList else { throw refusal("rlp: expected a string") }
            return payload
        }

        mutating func list() throws -> [UInt8] {
            let (isList, payload) = try item()
            guard isList else { throw refusal("rlp: expected a list") }
            return payload
        }

        mutating func uint() throws -> UInt64 {
            let b = try string()
            guard b.count <= 8, b.first != 0 else { throw refusal("rlp: integer out of range") }
            return b.reduce(0) { $0 << 8 | UInt64($1) }
        }

        private mutating func item() throws -> (isList: Bool, payload: [UInt8]) {
            guard offset < bytes.count else { throw refusal("rlp: truncated") }
            let head = bytes[offset]
            offset += 1
            switch head {
            case 0x00...0x7f: return (false, [head])
            case 0x80...0xb7: return (false, try take(Int(head - 0x80)))
            case 0xb8...0xbf: return (false, try take(try length(Int(head - 0xb7))))
            case 0xc0...0xf7: return (true, try take(Int(head - 0xc0)))
            default: return (true, try take(try length(Int(head - 0xf7))))
            }
        }

        private mutating func length(_ size: Int) throws -> Int {
            let b = try take(size)
            guard size <= 4 else { throw refusal("rlp: length out of range") }
            return b.reduce(0) { $0 << 8 | Int($1) }
        }

        private mutating func take(_ count: Int) throws -> [UInt8] {
            guard count <= bytes.count - offset else { throw refusal("rlp: truncated") }
            defer { offset += count }
            return Array(bytes[offset..<offset + count])
        }
    }
}

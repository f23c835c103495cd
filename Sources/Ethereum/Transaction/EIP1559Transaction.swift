// SPDX-License-Identifier: Apache-2.0
public import ChainCrypto

/// An EIP-1559 (type 2) transaction without an access list: the fields the relayer sets.
///
/// Amounts are in wei and fit 64 bits (fees per gas and the relayer's zero `value`; 2^64 wei is
/// about 18 ETH per gas unit, far above any fee cap an operator sets).
public struct EIP1559Transaction: Sendable, Hashable {
    public var chainID: UInt64
    public var nonce: UInt64
    public var maxPriorityFeePerGas: UInt64
    public var maxFeePerGas: UInt64
    public var gasLimit: UInt64
    /// Destination (20 bytes).
    public var to: [UInt8]
    public var value: UInt64
    public var data: [UInt8]

    public init(
        chainID: UInt64, nonce: UInt64, maxPriorityFeePerGas: UInt64, maxFeePerGas: UInt64, gasLimit: UInt64, to: [UInt8],
        value: UInt64 = 0, data: [UInt8]
    ) {
        self.chainID = chainID
        self.nonce = nonce
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
    }

    /// The nine unsigned fields, in EIP-1559 order (access list empty).
    var fields: [RLP.Item] {
        [
            .uint(chainID), .uint(nonce), .uint(maxPriorityFeePerGas), .uint(maxFeePerGas), .uint(gasLimit),
            .bytes(to), .uint(value), .bytes(data), .list([]),
        ]
    }

    /// The RLP encodings of the nine fields, concatenated (the list payload without its header).
    var fieldsPayload: [UInt8] {
        var payload: [UInt8] = []
        payload.reserveCapacity(data.count + 96)
        for item in fields { RLP.append(item, to: &payload) }
        return payload
    }

    /// keccak256(0x02 ‖ rlp(fields)): what the sender signs.
    public var signingHash: [UInt8] { Self.signingHash(payload: fieldsPayload) }

    static func signingHash(payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0x02]
        bytes.reserveCapacity(payload.count + 10)
        RLP.appendListHeader(payloadLength: payload.count, to: &bytes)
        bytes.append(contentsOf: payload)
        return Keccak256.hash(bytes)
    }

    /// Signs with `key` (RFC 6979, low-S, libsecp256k1 through ChainCrypto).
    public func signed(with key: Secp256k1.PrivateKey) throws -> SignedEIP1559Transaction {
        let payload = fieldsPayload  // encoded once: for the signing hash and for the raw bytes
        let signature = try key.signRecoverable(digest: Self.signingHash(payload: payload))
        return SignedEIP1559Transaction(transaction: self, fieldsPayload: payload, signature: signature)
    }
}

/// A signed type-2 transaction: its raw bytes for `eth_sendRawTransaction` and its hash.
public struct SignedEIP1559Transaction: Sendable, Hashable {
    public let transaction: EIP1559Transaction
    public let signature: Secp256k1.RecoverableSignature
    /// 0x02 ‖ rlp(fields ‖ yParity ‖ r ‖ s).
    public let raw: [UInt8]
    /// keccak256(raw): the transaction hash nodes report (computed on each read).
    public var hash: [UInt8] { Keccak256.hash(raw) }

    init(transaction: EIP1559Transaction, fieldsPayload: [UInt8], signature: Secp256k1.RecoverableSignature) {
        self.transaction = transaction
        self.signature = signature
        var tail: [UInt8] = []
        for item in [RLP.Item.uint(UInt64(signature.recoveryID)), .scalar(signature.r), .scalar(signature.s)] { RLP.append(item, to: &tail) }
        var raw: [UInt8] = [0x02]
        raw.reserveCapacity(fieldsPayload.count + tail.count + 10)
        RLP.appendListHeader(payloadLength: fieldsPayload.count + tail.count, to: &raw)
        raw.append(contentsOf: fieldsPayload)
        raw.append(contentsOf: tail)
        self.raw = raw
    }

    /// The sender address recovered from the signature (what a node reports as `from`).
    public func sender() throws -> EthereumAddress {
        EthereumAddress(publicKey: try signature.recoverPublicKey(digest: transaction.signingHash))
    }
}

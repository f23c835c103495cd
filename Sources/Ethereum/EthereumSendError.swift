// SPDX-License-Identifier: Apache-2.0
public import JSONRPC

/// A node's refusal of a transaction or call, classified for the sender's decisions.
///
/// geth, Nethermind, Erigon, anvil and the devnet word these differently; the classification
/// reads the code (3 = revert) and well-known phrases, and keeps the node's text.
public enum EthereumSendError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The contract reverted; `reason` is its `Error(string)` text when it gave one.
    case reverted(reason: String)
    /// The nonce is already used (mined, or taken by another pending transaction).
    case nonceConflict(message: String)
    /// A replacement at the same nonce does not raise the fees enough, or the fee is below the node's floor.
    case underpriced(message: String)
    /// The node already has this exact transaction.
    case alreadyKnown
    /// The account cannot pay gas × max fee.
    case insufficientFunds(message: String)
    /// Anything else, with the node's code and text.
    case other(code: Int64, message: String)

    public init(_ error: JSONRPCErrorObject) {
        let text = error.message.lowercased()
        if error.code == 3 || text.hasPrefix("execution reverted") || text.contains("revert") {
            self = .reverted(reason: Self.revertReason(error))
        } else if text.contains("already known") || text.contains("known transaction") {
            self = .alreadyKnown
        } else if text.contains("underpriced") || text.contains("fee too low") {
            self = .underpriced(message: error.message)
        } else if text.contains("nonce") {
            self = .nonceConflict(message: error.message)
        } else if text.contains("insufficient funds") {
            self = .insufficientFunds(message: error.message)
        } else {
            self = .other(code: error.code, message: error.message)
        }
    }

    /// The text after a leading "execution reverted: ", else the `Error(string)` in `data`, else "".
    static func revertReason(_ error: JSONRPCErrorObject) -> String {
        let prefix = "execution reverted: "
        if error.message.hasPrefix(prefix) { return String(error.message.dropFirst(prefix.count)) }
        if let text = error.data?.stringValue, let bytes = try? HexData.decode(text, field: "data"), bytes.count >= 4,
           bytes.prefix(4) == [0x08, 0xc3, 0x79, 0xa0],
           case .string(let reason)? = try? ABIDecoder.decode([.string], from: Array(bytes.dropFirst(4))).first {
            return reason
        }
        return ""
    }

    public var description: String {
        switch self {
        case .reverted(let reason): reason.isEmpty ? "execution reverted" : "execution reverted: \(reason)"
        case .nonceConflict(let m): "nonce conflict: \(m)"
        case .underpriced(let m): "underpriced: \(m)"
        case .alreadyKnown: "transaction already known"
        case .insufficientFunds(let m): "insufficient funds: \(m)"
        case .other(let code, let m): "node refused (\(code)): \(m)"
        }
    }
}

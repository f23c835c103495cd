// SPDX-License-Identifier: Apache-2.0

/// Decodes ABI-encoded tuples with every offset and length bounds-checked.
///
/// Hostile data (offsets past the end, lengths near 2^256, dirty padding in addresses, bools that
/// are not 0/1, invalid UTF-8 strings) throws `EthereumDecodingError.malformedABI`; nothing traps
/// and no allocation is larger than the input.
public enum ABIDecoder {
    /// Decodes `data` as the tuple `(types…)`.
    public static func decode(_ types: [ABIType], from data: [UInt8]) throws -> [ABIValue] {
        try decodeTuple(types, data[...], base: 0)
    }

    /// Decodes one static value from a 32-byte topic word (indexed event parameter).
    public static func decodeTopic(_ type: ABIType, word: [UInt8]) throws -> ABIValue {
        guard word.count == 32 else { throw EthereumDecodingError.malformedABI("topic is \(word.count) bytes") }
        if type.isDynamic { return .topicHash(word) }
        return try decodeStatic(type, word[...])
    }

    // `data` is the enclosing buffer; `base` is where the current tuple starts inside it.
    private static func decodeTuple(_ types: [ABIType], _ data: ArraySlice<UInt8>, base: Int) throws -> [ABIValue] {
        var values: [ABIValue] = []
        values.reserveCapacity(types.count)
        for (i, type) in types.enumerated() {
            let head = try word(data, at: base + 32 * i)
            if type.isDynamic {
                let offset = try smallInteger(head, what: "offset")
                let (start, overflow) = base.addingReportingOverflow(offset)
                guard !overflow else { throw EthereumDecodingError.malformedABI("offset overflows") }
                values.append(try decodeDynamic(type, data, at: start))
            } else {
                values.append(try decodeStatic(type, head))
            }
        }
        return values
    }

    private static func decodeDynamic(_ type: ABIType, _ data: ArraySlice<UInt8>, at start: Int) throws -> ABIValue {
        let length = try smallInteger(word(data, at: start), what: "length")
        let payloadStart = start + 32
        switch type {
        case .bytes, .string:
            guard length <= data.count - payloadStart else { throw EthereumDecodingError.malformedABI("length \(length) past the end") }
            let lo = data.startIndex + payloadStart
            let raw = Array(data[lo..<lo + length])
            if case .bytes = type { return .bytes(raw) }
            guard let text = String(validating: raw, as: UTF8.self) else { throw EthereumDecodingError.malformedABI("string is not valid UTF-8") }
            return .string(text)
        case .array(let element):
            // Every element has at least a 32-byte head: a length beyond that cannot be honest.
            guard length <= (data.count - payloadStart) / 32 else { throw EthereumDecodingError.malformedABI("array length \(length) past the end") }
            let inner = data[(data.startIndex + payloadStart)...]
            return .array(try decodeTuple(Array(repeating: element, count: length), inner, base: 0))
        default:
            throw EthereumDecodingError.malformedABI("\(type) is not dynamic")
        }
    }

    private static func decodeStatic(_ type: ABIType, _ w: ArraySlice<UInt8>) throws -> ABIValue {
        let bytes = Array(w)
        switch type {
        case .address:
            guard bytes[0..<12].allSatisfy({ $0 == 0 }) else { throw EthereumDecodingError.malformedABI("address has dirty padding") }
            return .address(Array(bytes[12...]))
        case .bool:
            guard bytes[0..<31].allSatisfy({ $0 == 0 }), bytes[31] <= 1 else { throw EthereumDecodingError.malformedABI("bool is not 0 or 1") }
            return .bool(bytes[31] == 1)
        case .uint(let bits):
            let zeroBytes = 32 - bits / 8
            guard bytes[0..<zeroBytes].allSatisfy({ $0 == 0 }) else { throw EthereumDecodingError.malformedABI("uint\(bits) out of range") }
            return .uint(ABIWord(bytes: bytes)!)
        case .int(let bits):
            let signBytes = 32 - bits / 8
            let fill: UInt8 = bytes[signBytes] & 0x80 == 0 ? 0 : 0xff
            guard bytes[0..<signBytes].allSatisfy({ $0 == fill }) else { throw EthereumDecodingError.malformedABI("int\(bits) out of range") }
            return .int(ABIWord(bytes: bytes)!)
        case .fixedBytes(let n):
            guard bytes[n...].allSatisfy({ $0 == 0 }) else { throw EthereumDecodingError.malformedABI("bytes\(n) has dirty padding") }
            return .fixedBytes(Array(bytes[..<n]))
        case .bytes, .string, .array:
            throw EthereumDecodingError.malformedABI("\(type) is dynamic")
        }
    }

    /// The 32-byte word at `offset` (relative to `data.startIndex`).
    private static func word(_ data: ArraySlice<UInt8>, at offset: Int) throws -> ArraySlice<UInt8> {
        guard offset >= 0, offset <= data.count - 32 else { throw EthereumDecodingError.malformedABI("read past the end at \(offset)") }
        let lo = data.startIndex + offset
        return data[lo..<lo + 32]
    }

    /// A word that must be a small non-negative integer (offsets and lengths).
    private static func smallInteger(_ w: ArraySlice<UInt8>, what: String) throws -> Int {
        let lo = w.startIndex
        guard w[lo..<lo + 28].allSatisfy({ $0 == 0 }) else { throw EthereumDecodingError.malformedABI("\(what) too large") }
        return Int(w[(lo + 28)...].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
    }
}

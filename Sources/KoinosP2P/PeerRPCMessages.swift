// SPDX-License-Identifier: Apache-2.0

/// One `/koinos/peerrpc/1.0.0` call as a Koinos node makes it (koinos.md §1.5): `ServiceID{Name,
/// Method}` then the argument struct, both msgpack maps keyed by Go field names.
public enum PeerRPCRequest: Sendable, Equatable {
    case getChainID
    case getHeadBlock
    case getAncestorBlockID(parentID: [UInt8], childHeight: UInt64)
    case getBlocks(headBlockID: [UInt8], startHeight: UInt64, count: UInt32)

    public static let serviceName = "PeerRPCService"

    /// Why a call cannot be answered; the text is what the gorpc `Error` field carries.
    public struct Refusal: Error, Sendable, Equatable {
        public var message: String
        public init(_ message: String) { self.message = message }
    }

    /// The call named by `service` with `arguments`, or the refusal gorpc would send.
    public static func parse(service: MessagePackValue, arguments: MessagePackValue) -> Result<PeerRPCRequest, Refusal> {
        let name = service["Name"]?.text ?? ""
        let method = service["Method"]?.text ?? ""
        guard name == serviceName else { return .failure(Refusal("rpc: can't find service \(name).\(method)")) }
        switch method {
        case "GetChainID": return .success(.getChainID)
        case "GetHeadBlock": return .success(.getHeadBlock)
        case "GetAncestorBlockID":
            guard case .bytes(let parent)? = arguments["ParentID"], let height = arguments["ChildHeight"]?.unsignedValue else {
                return .failure(Refusal("GetAncestorBlockID needs ParentID (bytes) and ChildHeight (uint64)"))
            }
            return .success(.getAncestorBlockID(parentID: parent, childHeight: height))
        case "GetBlocks":
            guard case .bytes(let head)? = arguments["HeadBlockID"], let start = arguments["StartBlockHeight"]?.unsignedValue,
                let count = arguments["NumBlocks"]?.unsignedValue, let num = UInt32(exactly: count)
            else { return .failure(Refusal("GetBlocks needs HeadBlockID (bytes), StartBlockHeight (uint64) and NumBlocks (uint32)")) }
            return .success(.getBlocks(headBlockID: head, startHeight: start, count: num))
        default:
            return .failure(Refusal("rpc: can't find method \(name).\(method)"))
        }
    }

    /// The method's Go name.
    public var method: String {
        switch self {
        case .getChainID: "GetChainID"
        case .getHeadBlock: "GetHeadBlock"
        case .getAncestorBlockID: "GetAncestorBlockID"
        case .getBlocks: "GetBlocks"
        }
    }

    /// The request bytes a client writes (service id, then arguments).
    public var encoded: [UInt8] {
        let service: MessagePackValue = .map([(.string("Name"), .string(Self.serviceName)), (.string("Method"), .string(method))])
        let arguments: MessagePackValue
        switch self {
        case .getChainID, .getHeadBlock: arguments = .map([])
        case .getAncestorBlockID(let parent, let height):
            arguments = .map([(.string("ParentID"), .bytes(parent)), (.string("ChildHeight"), .uint(height))])
        case .getBlocks(let head, let start, let count):
            arguments = .map([
                (.string("HeadBlockID"), .bytes(head)), (.string("StartBlockHeight"), .uint(start)), (.string("NumBlocks"), .uint(UInt64(count))),
            ])
        }
        return MessagePackWriter.encode(service) + MessagePackWriter.encode(arguments)
    }
}

/// What a server writes back: `Response{Service[, Error, ErrType]}` then the reply struct (nil on error).
public enum PeerRPCResponse {
    /// gorpc's ErrType for errors raised by the service.
    public static let serverError: UInt64 = 1

    public static func success(service: String, method: String, reply: MessagePackValue) -> [UInt8] {
        MessagePackWriter.encode(.map([(.string("Service"), echo(service, method))])) + MessagePackWriter.encode(reply)
    }

    public static func failure(service: String, method: String, message: String) -> [UInt8] {
        MessagePackWriter.encode(.map([
            (.string("Service"), echo(service, method)), (.string("Error"), .string(message)), (.string("ErrType"), .uint(serverError)),
        ])) + MessagePackWriter.encode(.null)
    }

    private static func echo(_ service: String, _ method: String) -> MessagePackValue {
        .map([(.string("Name"), .string(service)), (.string("Method"), .string(method))])
    }
}

extension MessagePackValue {
    /// A non-negative integer of either msgpack family.
    public var unsignedValue: UInt64? {
        switch self {
        case .uint(let v): v
        case .int(let v) where v >= 0: UInt64(v)
        default: nil
        }
    }
}

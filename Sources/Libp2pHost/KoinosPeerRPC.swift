// SPDX-License-Identifier: Apache-2.0
import NIOCore

/// `/koinos/peerrpc/1.0.0` responder (go-libp2p-gorpc v0.5.0 over msgpack): reads
/// `ServiceID{Name, Method}` and the argument struct, writes `Response{Service[, Error, ErrType]}`
/// and the reply struct, then closes. Serves `GetChainID` and `GetHeadBlock` (koinos.md §1.4–1.5).
enum KoinosPeerRPC {
    static let serviceName = "PeerRPCService"
    /// ErrType values of gorpc's Response.
    static let serverError: UInt64 = 1

    /// Builds the two response objects for one request.
    static func respond(service: MessagePackValue, configuration: KoinosPeerRPCConfiguration) async -> [UInt8] {
        let name = service["Name"]?.text ?? ""
        let method = service["Method"]?.text ?? ""
        let serviceEcho: MessagePackValue = .map([(.string("Name"), .string(name)), (.string("Method"), .string(method))])
        func failure(_ message: String) -> [UInt8] {
            MessagePackWriter.encode(.map([
                (.string("Service"), serviceEcho), (.string("Error"), .string(message)), (.string("ErrType"), .uint(serverError)),
            ])) + MessagePackWriter.encode(.null)
        }
        guard name == serviceName else { return failure("rpc: can't find service \(name).\(method)") }
        let reply: MessagePackValue
        do {
            switch method {
            case "GetChainID":
                reply = .map([(.string("ID"), .bytes(try await configuration.chainID()))])
            case "GetHeadBlock":
                let head = try await configuration.headBlock()
                reply = .map([(.string("ID"), .bytes(head.id)), (.string("Height"), .uint(head.height))])
            default:
                return failure("rpc: can't find method \(name).\(method)")
            }
        } catch {
            return failure("internal error")
        }
        return MessagePackWriter.encode(.map([(.string("Service"), serviceEcho)])) + MessagePackWriter.encode(reply)
    }
}

extension Libp2pHost {
    func servePeerRPC(_ stream: Libp2pStream, configuration: KoinosPeerRPCConfiguration) async {
        var received: [UInt8] = []
        do {
            while true {
                var reader = MessagePackReader(received)
                if let service = try reader.decode(), try reader.decode() != nil {
                    let response = await KoinosPeerRPC.respond(service: service, configuration: configuration)
                    try await stream.write(ByteBuffer(bytes: response))
                    await stream.closeWrite()
                    return
                }
                guard let chunk = try await stream.read(), received.count + chunk.readableBytes <= 64 * 1024 else { break }
                received += chunk.readableBytesView
            }
        } catch {}
        await stream.reset()
    }
}

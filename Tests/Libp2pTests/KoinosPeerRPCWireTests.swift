// SPDX-License-Identifier: Apache-2.0
@testable import KoinosP2P

import Testing

/// Peer-RPC requests and the server's bookkeeping without sockets: the spec's GetChainID bytes,
/// every method's arguments round-tripped, malformed arguments refused with gorpc's text, and the
/// per-peer budget (refill, least-recently-used eviction one peer at a time).
struct KoinosPeerRPCWireTests {
    @Test func requestsEncodeAsTheSpecAndParseBack() throws {
        #expect(Hex.encode(PeerRPCRequest.getChainID.encoded) == "82a44e616d65ae5065657252504353657276696365a64d6574686f64aa476574436861696e494480")
        let requests: [PeerRPCRequest] = [
            .getChainID, .getHeadBlock, .getAncestorBlockID(parentID: [0x12, 0x20, 1], childHeight: 70_000),
            .getBlocks(headBlockID: [0x12, 0x20, 2], startHeight: 5, count: 500),
        ]
        for request in requests {
            var reader = MessagePackReader(request.encoded)
            let service = try #require(try reader.decode())
            let arguments = try #require(try reader.decode())
            #expect(PeerRPCRequest.parse(service: service, arguments: arguments) == .success(request))
        }
    }

    @Test func malformedCallsAreRefusedWithGorpcText() {
        let service: (String, String) -> MessagePackValue = { .map([(.string("Name"), .string($0)), (.string("Method"), .string($1))]) }
        #expect(PeerRPCRequest.parse(service: service("Other", "GetChainID"), arguments: .map([]))
            == .failure(.init("rpc: can't find service Other.GetChainID")))
        #expect(PeerRPCRequest.parse(service: service("PeerRPCService", "Steal"), arguments: .map([]))
            == .failure(.init("rpc: can't find method PeerRPCService.Steal")))
        let tooMany: MessagePackValue = .map([(.string("HeadBlockID"), .bytes([1])), (.string("StartBlockHeight"), .uint(1)), (.string("NumBlocks"), .uint(1 << 40))])
        guard case .failure = PeerRPCRequest.parse(service: service("PeerRPCService", "GetBlocks"), arguments: tooMany) else {
            Issue.record("a NumBlocks beyond uint32 was accepted")
            return
        }
        guard case .failure = PeerRPCRequest.parse(service: service("PeerRPCService", "GetAncestorBlockID"), arguments: .null) else {
            Issue.record("GetAncestorBlockID without arguments was accepted")
            return
        }
    }

    @Test func errorResponsesHaveGorpcShape() throws {
        let bytes = PeerRPCResponse.failure(service: "PeerRPCService", method: "GetHeadBlock", message: "internal error")
        var reader = MessagePackReader(bytes)
        let header = try #require(try reader.decode())
        #expect(header["Error"]?.text == "internal error")
        #expect(header["ErrType"] == .uint(1))
        #expect(try reader.decode() == .null)
        #expect(try KoinosPeerRPCClient.decode(bytes) == .error("internal error"))
    }

    @Test func budgetsRefillAndForgetTheLeastRecentPeerFirst() {
        var limits = KoinosPeerRPCServer.Limits()
        limits.burst = 2
        limits.callsPerSecond = 1
        limits.trackedPeers = 3
        limits.maxConcurrentCalls = 1
        var state = PeerRPCServerState(limits: limits)
        let firstTwo = [state.admit(peer: "a", nowMs: 0), state.admit(peer: "a", nowMs: 0)]
        #expect(firstTwo == [true, true])
        let third = state.admit(peer: "a", nowMs: 10)
        #expect(!third)  // burst spent
        let afterASecond = state.admit(peer: "a", nowMs: 1_010)
        #expect(afterASecond)  // one token back
        let bBurst = [state.admit(peer: "b", nowMs: 1_020), state.admit(peer: "b", nowMs: 1_020), state.admit(peer: "b", nowMs: 1_020)]
        #expect(bBurst == [true, true, false])  // b's budget spent
        _ = state.admit(peer: "c", nowMs: 1_030)
        _ = state.admit(peer: "a", nowMs: 1_040)  // a is now the most recent; b the oldest
        _ = state.admit(peer: "d", nowMs: 1_050)
        #expect(state.trackedPeers == 3)
        let again = state.admit(peer: "a", nowMs: 1_060)
        #expect(!again)  // a's spent budget survived the eviction
        let bForgotten = state.admit(peer: "b", nowMs: 1_060)
        #expect(bForgotten)  // b, the least recently used, was forgotten: a fresh budget
        let slots = [state.beginCall(), state.beginCall()]
        #expect(slots == [true, false])
        state.endCall()
        let freed = state.beginCall()
        #expect(freed)
    }
}

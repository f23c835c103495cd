// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
public import Multiformats
import NIOCore

extension Libp2pHost {
    /// ping responder: echo each 32-byte payload until the peer closes.
    func servePing(_ stream: Libp2pStream) async {
        do {
            for _ in 0..<10_000 {
                let payload = try await stream.readExactly(Libp2pProtocols.pingSize)
                try await stream.write(payload)
            }
        } catch {}
        await stream.closeWrite()
    }

    /// Pings `peer` `count` times on one `/ipfs/ping/1.0.0` stream; returns the round-trip times.
    public func ping(_ peer: PeerID, count: Int = 1, timeout: Duration = .seconds(10)) async throws -> [Duration] {
        let stream = try await newStream(to: peer, protocols: [Libp2pProtocols.ping])
        var times: [Duration] = []
        do {
            for _ in 0..<max(1, count) {
                let payload = Sodium.randomBytes(Libp2pProtocols.pingSize)
                let clock = ContinuousClock()
                let started = clock.now
                try await stream.write(ByteBuffer(bytes: payload))
                let echo = try await withTimeout(timeout, "ping") { try await stream.readExactly(Libp2pProtocols.pingSize) }
                guard Array(echo.readableBytesView) == payload else { throw Libp2pHostError.pingMismatch }
                times.append(clock.now - started)
            }
        } catch {
            await stream.reset()
            throw error
        }
        await stream.closeWrite()
        return times
    }
}

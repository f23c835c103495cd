// SPDX-License-Identifier: Apache-2.0
import Libp2pYamux
public import Multiformats
import NIOCore
import Synchronization

extension Libp2pHost {
    /// Bytes received from `peer` (all connections) that no stream has consumed yet: what a peer
    /// can make this host hold in yamux buffers (at most `YamuxConfiguration.maxBufferedBytes` per
    /// connection). Read on each session's event loop.
    public func bufferedBytes(from peer: PeerID) async -> Int {
        let sessions = state.withLock { state in
            state.connections.values.filter { $0.remotePeer == peer }.map(\.session)
        }
        var total = 0
        for session in sessions {
            total += (try? await session.eventLoop.submit { session.bufferedBytes }.get()) ?? 0
        }
        return total
    }
}

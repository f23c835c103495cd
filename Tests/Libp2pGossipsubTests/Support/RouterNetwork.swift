// SPDX-License-Identifier: Apache-2.0
import Libp2pGossipsub

/// Several router state machines wired together with a virtual clock and an in-memory "wire".
///
/// RPCs are queued FIFO and delivered by `run()`; validation is answered synchronously by each
/// node's `validator`; deliveries and disconnect requests are recorded. No sockets, no tasks.
struct RouterNetwork {
    struct Node {
        var machine: GossipsubRouter.StateMachine
        var signer: TestEd25519Signer
        var validator: (GossipsubMessage) -> ValidationResult = { _ in .accept }
        var delivered: [GossipsubRouter.ReceivedMessage] = []
        var disconnectRequests: [GossipPeerID] = []
    }

    var nodes: [Node] = []
    var now: Duration = .zero
    var queue: [(from: Int, to: Int, rpc: GossipsubRPC)] = []
    /// Links currently down: (from, to) pairs whose RPCs are dropped (to simulate a missed message).
    var droppedLinks: Set<[Int]> = []
    var sentRPCCount = 0

    init(count: Int, parameters: GossipsubParameters = .koinos, seed: UInt64 = 1) {
        for index in 0..<count {
            let signer = TestEd25519Signer(seed: UInt8(index + 1))
            let machine = GossipsubRouter.StateMachine(
                localPeer: signer.peer,
                parameters: parameters,
                signer: signer,
                verifier: TestVerifier(),
                initialSeqno: UInt64(1_000 * (index + 1)),
                seed: seed &+ UInt64(index)
            )
            nodes.append(Node(machine: machine, signer: signer))
        }
    }

    func peer(_ index: Int) -> GossipPeerID { nodes[index].signer.peer }

    func index(of peer: GossipPeerID) -> Int { nodes.firstIndex { $0.signer.peer == peer }! }

    /// Connects a (dialer) to b (listener) on both sides.
    mutating func connect(_ a: Int, _ b: Int) {
        apply(nodes[a].machine.addPeer(peer(b), protocol: .meshsub11, outbound: true, now: now), at: a)
        apply(nodes[b].machine.addPeer(peer(a), protocol: .meshsub11, outbound: false, now: now), at: b)
    }

    mutating func connectAll() {
        for a in nodes.indices { for b in nodes.indices where a < b { connect(a, b) } }
    }

    mutating func disconnect(_ a: Int, _ b: Int) {
        apply(nodes[a].machine.removePeer(peer(b), now: now), at: a)
        apply(nodes[b].machine.removePeer(peer(a), now: now), at: b)
    }

    mutating func subscribeAll(_ topic: String) {
        for index in nodes.indices { apply(nodes[index].machine.subscribe(topic, now: now), at: index) }
        run()
    }

    @discardableResult
    mutating func publish(from index: Int, topic: String, data: [UInt8]) throws -> [UInt8] {
        let (id, _, actions) = try nodes[index].machine.publish(topic: topic, data: data, now: now)
        apply(actions, at: index)
        return id
    }

    /// Delivers queued RPCs until the wire is quiet (bounded).
    mutating func run(maxSteps: Int = 100_000) {
        var steps = 0
        while !queue.isEmpty && steps < maxSteps {
            let (from, to, rpc) = queue.removeFirst()
            steps += 1
            guard nodes[to].machine.connectedPeers.contains(peer(from)) else { continue }
            apply(nodes[to].machine.handleRPC(rpc, from: peer(from), now: now), at: to)
        }
    }

    /// Advances the clock by one heartbeat interval and runs every node's heartbeat.
    mutating func heartbeat(_ count: Int = 1) {
        for _ in 0..<count {
            now += .seconds(1)
            for index in nodes.indices { apply(nodes[index].machine.heartbeat(now: now), at: index) }
            run()
        }
    }

    mutating func apply(_ actions: [GossipsubRouter.Action], at index: Int) {
        for action in actions {
            switch action {
            case .send(let target, let rpc):
                let to = self.index(of: target)
                sentRPCCount += 1
                if !droppedLinks.contains([index, to]) { queue.append((index, to, rpc)) }
            case .validate(let pending):
                let result = nodes[index].validator(pending.message)
                apply(nodes[index].machine.validationFinished(pending, result: result, now: now), at: index)
            case .deliver(let received):
                nodes[index].delivered.append(received)
            case .disconnect(let target, _):
                nodes[index].disconnectRequests.append(target)
                disconnect(index, self.index(of: target))
            }
        }
    }

    func deliveredData(_ index: Int, topic: String) -> [[UInt8]] {
        nodes[index].delivered.filter { $0.message.topic == topic }.map(\.message.data)
    }
}

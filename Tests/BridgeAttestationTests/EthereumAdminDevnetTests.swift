// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeEthereum
import BridgeGossip
import BridgeKoinos
import BridgeSigning
import BridgeStore
import BridgeTesting
import ChainCrypto
import CurlTransport
import Ethereum
import Foundation
import JSONRPC
import Logging
import ProcessTestSupport
import Testing

struct DevnetReadyError: Error, CustomStringConvertible { let description: String }

/// issue 17 on the Ethereum side, end to end on the real devnet (contracts/ethereum/Bridge.vy):
/// add-validator proposed by one validator with the contract's nonce, approved by a quorum of the
/// others over signed gossip envelopes (Ethereum signatures), sent as an EIP-1559 transaction by
/// a node's `EthereumSender`; the contract accepts the digest and holds the new validator, and the
/// Koinos → Ethereum path's set (read from the contract) takes it without a restart.
@Suite(.serialized) struct EthereumAdminDevnetTests {
    struct Chain {
        let process: EthereumDevnetProcess
        let rpc: EthereumRPCClient
        let chainID: UInt64
        let bridge: [UInt8]
        let bridgeChainID: UInt32
    }

    static func address(_ key: Secp256k1.PrivateKey) -> [UInt8] { EthereumAddress(publicKey: key.publicKey).bytes }

    /// A devnet whose bridge has the harness's four keys as validators (v2 quorum: 3 of 4). Keys 1
    /// and 2 are eth-tester's funded accounts, so nodes 0 and 1 can pay for transactions.
    static func start(_ net: ValidatorNetworkHarness) async throws -> Chain {
        let validators = net.keys.map { EthereumAddress(publicKey: $0.publicKey).checksummed }.joined(separator: ",")
        let process = try await EthereumDevnetProcess.start(
            arguments: ["--validators", validators], lifetime: 300, logPath: NSTemporaryDirectory() + "eth-admin-devnet-\(UUID().uuidString).log")
        guard let chain = process.ready["chain_id"] as? Int, let bridgeText = process.ready["bridge"] as? String,
              let bridge = ChainHex.decode(bridgeText), let bridgeChain = (process.ready["bridge_chain_id"] as? Int).flatMap({ UInt32(exactly: $0) })
        else {
            await process.stop()
            throw DevnetReadyError(description: "unexpected ready line \(process.ready)")
        }
        return Chain(
            process: process, rpc: EthereumRPCClient(transport: CurlHTTPTransport(url: process.rpc)), chainID: UInt64(chain), bridge: bridge,
            bridgeChainID: bridgeChain)
    }

    static func sender(_ chain: Chain, key: Secp256k1.PrivateKey, database: BridgeDatabase, clock: any BridgeClock) -> EthereumSender {
        let configuration = EthereumSenderConfiguration(
            bridge: chain.bridge, profile: .v2, chainID: chain.chainID, key: key, maxFeePerGas: 50_000_000_000, maxPriorityFeePerGas: 2_000_000_000)
        return EthereumSender(
            configuration: configuration, rpc: chain.rpc, store: DatabaseDeliveryStore(rows: SQLiteEthereumDeliveryRepository(database), logger: Logger(label: "test")), clock: clock)
    }

    @Test func addValidatorApprovedByAQuorumIsExecutedOnTheEthereumDevnet() async throws {
        let net = try ValidatorNetworkHarness(count: 4)
        let chain = try await Self.start(net)
        do {
            try await run(chain, net: net)
        } catch {
            await chain.process.stop()
            throw error
        }
        await chain.process.stop()
    }

    func run(_ chain: Chain, net: ValidatorNetworkHarness) async throws {
        // The contract compares expirations with block.timestamp × 1000: the virtual clock starts at the wall clock.
        let wall = SystemBridgeClock().nowMilliseconds
        net.clock.advance(milliseconds: wall > net.clock.nowMilliseconds ? wall - net.clock.nowMilliseconds : 0)
        await net.exchangeHeartbeats()
        let senders = net.nodes.enumerated().map { index, node in Self.sender(chain, key: net.keys[index], database: node.database, clock: net.clock) }
        let contracts = senders.map { EthereumAdminContract(rpc: chain.rpc, bridge: chain.bridge, sender: $0) }
        let services = net.nodes.enumerated().map { index, node in
            AdminProposalService(
                repository: SQLiteAdminProposalRepository(node.database), adminSigner: AdminKeySigner(key: net.keys[index], chain: .ethereum), gossip: node.endpoint,
                contract: contracts[index], clock: net.clock, hashing: ChainHashing(), validators: ValidatorSet([]),
                configuration: AdminProposalPoolConfiguration(profile: .v2, contract: chain.bridge, chain: chain.bridgeChainID, adminChain: .ethereum),
                validatorReader: { [contract = contracts[index]] in try await contract.validators() })
        }
        let streams = net.nodes.map { $0.endpoint.inboundAdminProposals(for: .ethereum).makeAsyncIterator() }
        for service in services { await service.tick() }  // reads the contract's set and nonce

        let newcomerKey = try Secp256k1.PrivateKey(rawRepresentation: Array(repeating: 7, count: 32))
        let newcomer = Self.address(newcomerKey)
        let someDigest = Keccak256.hash(Array("a Koinos lock".utf8))
        let newcomerSignature = try EthereumSignature.sign(digest: someDigest, key: newcomerKey)
        let before = try await chain.rpc.bridgeValidatorSet(bridge: chain.bridge)
        #expect(!before.contains(newcomer))
        #expect(EthereumQuorum.evaluate(digest: someDigest, signatures: [newcomerSignature], validators: before, profile: .v2).refused.first?.refusal
            == .notAValidator)
        #expect(try await senders[2].validators().contains(newcomer) == false)
        let nonceBefore = try await contracts[0].currentNonce()

        let proposed = try await services[0].propose(.addValidator, address: newcomer, lifetimeMilliseconds: 600_000)
        #expect(proposed.proposal.message.nonce == nonceBefore, "the digest names the contract's nonce read over eth_call")
        let id = proposed.proposal.id
        await AdminProposalGossipTests.pump(net, services, streams: streams)
        await #expect(throws: AdminCommandError.notReady(have: 1, required: 3)) { try await services[1].submit(id) }

        // The same signers over the digest without the chain id (the v1 packing): the contract
        // refuses it. This is what makes the accepted call below a check of the packing.
        var v1 = proposed.proposal
        v1.message.chain = 0
        v1.message.profile = .v1
        v1.digest = AdminProposal.expectedDigest(v1.message, chain: .ethereum, hashing: ChainHashing())
        let wrongSet = try (0..<3).map { i in ValidatorSignature(validator: Self.address(net.keys[i]), signature: try EthereumSignature.sign(digest: v1.digest, key: net.keys[i])) }
        let wrongCall = try #require(EthereumAdminCalls.call(for: AdminProposalState(proposal: v1, signatures: wrongSet, required: 3)))
        await #expect(throws: EthereumSendError.self) { _ = try await senders[1].sendToBridge(wrongCall.arguments) }

        _ = try await services[1].approve(id)
        await AdminProposalGossipTests.pump(net, services, streams: streams)
        _ = try await services[2].approve(id)
        await AdminProposalGossipTests.pump(net, services, streams: streams)
        let ready = try await services[1].proposal(id)
        #expect(ready.isReady && ready.submissionSet?.count == 3)
        let call = try #require(await services[1].readyCall(ready))
        #expect(call.contract == chain.bridge && call.method == "addValidator")

        let hash = try await services[1].submit(id)
        #expect(hash.count == 32)
        var after: [[UInt8]] = []
        _ = try await eventually(.seconds(10), every: .milliseconds(200)) {
            after = try await chain.rpc.bridgeValidatorSet(bridge: chain.bridge)
            return after.contains(newcomer)
        }
        #expect(after.contains(newcomer), "the contract accepted the quorum signatures over our digest and holds the new validator")
        #expect(try await contracts[0].currentNonce() == nonceBefore + 1)

        // The Koinos → Ethereum side follows without a restart: the set KoinosLockService reads each
        // round now counts the newcomer's signature, and the sender's cached set takes it at its refresh.
        #expect(EthereumQuorum.evaluate(digest: someDigest, signatures: [newcomerSignature], validators: after, profile: .v2).counted.map(\.validator)
            == [newcomer])
        net.clock.advance(milliseconds: 61_000)
        #expect(try await senders[2].validators().contains(newcomer))
        // The admin pools too: Q(5) = 3, and the executed proposal is dropped as stale (nonce moved).
        for service in services { await service.tick() }
        #expect(await services[3].proposals().isEmpty)
        await #expect(throws: AdminCommandError.unknownProposal(id)) { try await services[3].submit(id) }
    }
}

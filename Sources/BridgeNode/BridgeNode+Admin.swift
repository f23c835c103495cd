// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeEthereum
import BridgeGossip
import BridgeKoinos
import BridgeSigning
import BridgeStore
import ChainCrypto
import CurlTransport
import Ethereum
import Koinos
import Logging
import ServiceLifecycle

extension BridgeNode {
    /// Admin actions approved over the p2p network (docs/admin.md): the proposal services on the
    /// bridge topic (the Koinos contract's; the Ethereum contract's when the node has an Ethereum
    /// sender, i.e. serves Koinos → Ethereum) and the local admin socket the `bridge-relay admin`
    /// commands talk to.
    static func adminServices(
        _ c: ValidatedConfiguration, signer: Secp256k1AttestationSigner, endpoint: BridgeGossipEndpoint, database: BridgeDatabase,
        clock: any BridgeClock, rpc: KoinosRPCClient, key: Secp256k1.PrivateKey, validators: @escaping @Sendable () -> ValidatorSet,
        ethereumSender: EthereumSender? = nil, logger: Logger
    ) -> [any Service] {
        let profile = c.ethereum.profile
        let contract = c.koinos.bridgeContract.bytes
        let service = AdminProposalService(
            repository: SQLiteAdminProposalRepository(database), signer: signer, gossip: endpoint,
            contract: KoinosAdminContract(rpc: rpc, contract: contract, profile: profile, payerKey: key, rcLimitCap: c.koinos.rcLimitCap),
            clock: clock, hashing: ChainHashing(), validators: validators(),
            configuration: AdminProposalPoolConfiguration(profile: profile, contract: contract, chain: c.koinos.chain),
            validatorSource: validators, logger: logger.labelled("bridge.admin"))
        let ethereum = ethereumAdminService(
            c, key: key, endpoint: endpoint, database: database, clock: clock, sender: ethereumSender, logger: logger)
        let socket = AdminSocketServer(
            path: AdminSocketPath.inDataDirectory(c.dataDirectory), handler: AdminCommandHandler(service: service, ethereum: ethereum),
            logger: logger.labelled("bridge.admin"))
        return [service, socket] + (ethereum.map { [$0] } ?? [])
    }

    /// The Ethereum contract's proposals: signed with the validator key in its Ethereum form,
    /// counted against the contract's set (`getValidatorsLength`/`validators(i)`, re-read when the
    /// contract's nonce moves and every minute: `ContractValidatorRefresh`), sent by the node's
    /// `EthereumSender`. Needs `koinos.watcher` (the Ethereum bridge's chain id and the sender) and
    /// an Ethereum endpoint.
    static func ethereumAdminService(
        _ c: ValidatedConfiguration, key: Secp256k1.PrivateKey, endpoint: BridgeGossipEndpoint, database: BridgeDatabase,
        clock: any BridgeClock, sender: EthereumSender?, logger: Logger
    ) -> AdminProposalService? {
        guard let sender, let watcher = c.koinosWatcher, let url = c.ethereum.endpoints.first else { return nil }
        let bridge = c.ethereum.contract.bytes
        let contract = EthereumAdminContract(
            rpc: EthereumRPCClient(transport: CurlHTTPTransport(configuration: curl(url, timeoutMs: 30_000))), bridge: bridge, sender: sender)
        let profile = c.ethereum.profile
        return AdminProposalService(
            repository: SQLiteAdminProposalRepository(database), adminSigner: AdminKeySigner(key: key, chain: .ethereum), gossip: endpoint, contract: contract, clock: clock,
            hashing: ChainHashing(), validators: ValidatorSet([]),
            configuration: AdminProposalPoolConfiguration(
                profile: profile, contract: bridge, chain: profile == .v2 ? watcher.judge.ethereumChainID : 0, adminChain: .ethereum),
            validatorReader: { try await contract.validators() }, logger: logger.labelled("bridge.admin.ethereum"))
    }
}

// SPDX-License-Identifier: Apache-2.0
import BridgeAttestation
import BridgeCore
import BridgeGossip
import BridgeKoinos
import BridgeSigning
import BridgeStore
import ChainCrypto
import Koinos
import Logging
import ServiceLifecycle

extension BridgeNode {
    /// Admin actions approved over the p2p network (docs/admin.md): the proposal service on the
    /// bridge topic and the local admin socket the `bridge-relay admin` commands talk to.
    static func adminServices(
        _ c: ValidatedConfiguration, signer: Secp256k1AttestationSigner, endpoint: BridgeGossipEndpoint, database: BridgeDatabase,
        clock: any BridgeClock, rpc: KoinosRPCClient, key: Secp256k1.PrivateKey, validators: @escaping @Sendable () -> ValidatorSet,
        logger: Logger
    ) -> [any Service] {
        let profile = c.ethereum.profile
        let contract = c.koinos.bridgeContract.bytes
        let service = AdminProposalService(
            repository: database, signer: signer, gossip: endpoint,
            contract: KoinosAdminContract(rpc: rpc, contract: contract, profile: profile, payerKey: key, rcLimitCap: c.koinos.rcLimitCap),
            clock: clock, hashing: ChainHashing(), validators: validators(),
            configuration: AdminProposalPoolConfiguration(profile: profile, contract: contract, chain: c.koinos.chain),
            validatorSource: validators, logger: logger.labelled("bridge.admin"))
        let socket = AdminSocketServer(
            path: AdminSocketPath.inDataDirectory(c.dataDirectory), handler: AdminCommandHandler(service: service),
            logger: logger.labelled("bridge.admin"))
        return [service, socket]
    }
}

// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeStore
import ChainCrypto
import CurlTransport
import Ethereum
import Logging

extension BridgeNode {
    /// The Koinos → Ethereum sender (`ethereum.relayer`), next to the Koinos lock service (nil
    /// when `koinos.watcher.enabled` is off): the locks that service brought to quorum, delivered
    /// with `completeTransfer` signed and paid by the validator key (reads fail over between the
    /// `ethereum.rpc` endpoints, a signed transaction goes to each), its rows in the node's database
    /// (`ethereum_delivery`) so a restart follows what is in flight instead of sending again.
    static func ethereumSender(
        configuration c: ValidatedConfiguration, validatorKey: Secp256k1.PrivateKey, database: BridgeDatabase, clock: any BridgeClock = SystemBridgeClock(),
        logger: Logger
    ) -> EthereumSender? {
        guard c.koinosWatcher != nil, !c.ethereum.endpoints.isEmpty else { return nil }
        let senderLogger = logger.labelled("bridge.ethereum.sender")
        let configuration = c.ethereumSenderConfiguration(validatorKey: validatorKey)
        // Every `ethereum.rpc` endpoint, with the watcher's failover (its own health: the sender's
        // calls are not the watcher's), in `failover` trust as with one endpoint before: the endpoint
        // in use is believed (a lying one could claim a transfer completed; nothing is signed on it).
        let pool = EndpointPool(
            clients: c.ethereum.endpoints.map { EthereumRPCClient(transport: CurlHTTPTransport(configuration: curl($0, timeoutMs: 30_000))) },
            expectedChainID: configuration.chainID, clock: clock, logger: senderLogger)
        return EthereumSender(
            configuration: configuration, pool: pool,
            store: DatabaseDeliveryStore(rows: SQLiteEthereumDeliveryRepository(database), logger: senderLogger), clock: clock, logger: senderLogger)
    }
}

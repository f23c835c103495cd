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
    /// with `completeTransfer` signed and paid by the validator key, its rows in the node's database
    /// (`ethereum_delivery`) so a restart follows what is in flight instead of sending again.
    static func ethereumSender(
        configuration c: ValidatedConfiguration, validatorKey: Secp256k1.PrivateKey, database: BridgeDatabase, clock: any BridgeClock = SystemBridgeClock(),
        logger: Logger
    ) -> EthereumSender? {
        guard c.koinosWatcher != nil, let endpoint = c.ethereum.endpoints.first else { return nil }
        let senderLogger = logger.labelled("bridge.ethereum.sender")
        return EthereumSender(
            configuration: c.ethereumSenderConfiguration(validatorKey: validatorKey),
            rpc: EthereumRPCClient(transport: CurlHTTPTransport(configuration: curl(endpoint, timeoutMs: 30_000))),
            store: DatabaseDeliveryStore(database: database, logger: senderLogger), clock: clock, logger: senderLogger)
    }
}

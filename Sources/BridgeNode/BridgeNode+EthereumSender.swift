// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeEthereum
import BridgeStore
import ChainCrypto
import CurlTransport
import Ethereum
import Logging

extension BridgeNode {
    /// The Koinos → Ethereum sender (`ethereum.relayer`): the locks the Koinos lock service brought
    /// to quorum, delivered with `completeTransfer` signed and paid by the validator key, its rows
    /// in the node's database (`ethereum_delivery`) so a restart follows what is in flight.
    static func ethereumSender(
        _ c: ValidatedConfiguration, key: Secp256k1.PrivateKey, endpoint: String, database: BridgeDatabase, clock: any BridgeClock, logger: Logger
    ) -> EthereumSender {
        let senderLogger = logger.labelled("bridge.ethereum.sender")
        return EthereumSender(
            configuration: c.ethereumSenderConfiguration(validatorKey: key),
            rpc: EthereumRPCClient(transport: CurlHTTPTransport(configuration: curl(endpoint, timeoutMs: 30_000))),
            store: DatabaseDeliveryStore(database: database, logger: senderLogger), clock: clock, logger: senderLogger)
    }
}

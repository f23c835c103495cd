// SPDX-License-Identifier: Apache-2.0
import BridgeCore
@testable import BridgeEthereum
import BridgeSigning
import BridgeTesting
import ChainCrypto
import Ethereum

/// The sender over scripted endpoints of one `ScriptedEthereumLedger` with the bridge contract
/// (`ScriptedBridgeContract`), three validators and a virtual clock: no process, no socket.
struct ScriptedSenderFixture {
    static func key(_ last: UInt8) -> Secp256k1.PrivateKey { try! Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 0, count: 31) + [last]) }
    static func address(_ key: Secp256k1.PrivateKey) -> [UInt8] { EthereumAddress(publicKey: key.publicKey).bytes }
    static let validatorKeys = [key(0xa0), key(0xa1), key(0xa2)]
    static let relayer = key(7)
    static let bridge = [UInt8](repeating: 0xb1, count: 20)
    static let token = [UInt8](repeating: 0x70, count: 20)

    let ledger = ScriptedEthereumLedger(chainID: 1337)
    let contract = ScriptedBridgeContract()
    let endpoints: [ScriptedEthereumChain]
    let clock = VirtualClock()
    let logs = CapturedLogs()
    let validators: ValidatorSet
    var me: [UInt8] { Self.address(Self.relayer) }

    init(endpoints count: Int = 1) {
        let ledger = self.ledger
        endpoints = (0..<count).map { _ in ScriptedEthereumChain(ledger) }
        let addresses = Self.validatorKeys.map(Self.address)
        validators = ValidatorSet(addresses)
        ledger.setValidators(addresses)
        ledger.deploy(Self.bridge, contract: contract)
    }

    var configuration: EthereumSenderConfiguration {
        var c = EthereumSenderConfiguration(bridge: Self.bridge, profile: .v2, chainID: ledger.chainID, key: Self.relayer,
                                            maxFeePerGas: 50_000_000_000, maxPriorityFeePerGas: 2_000_000_000)
        c.finality = .confirmations(2)
        c.bumpAfterMs = 30_000
        return c
    }

    /// A v2 transfer naming our relayer, signed by every validator, which the contract will accept once.
    func transfer(_ id: String, value: UInt64) throws -> CompletableTransfer {
        let message = EthereumTransferMessage(
            profile: .v2, koinosTransactionID: [0x12, 0x20] + Keccak256.hash(Array(id.utf8)), operationID: 1, token: Self.token, relayer: me,
            recipient: Self.address(Self.key(0xe1)), value: value, bridge: Self.bridge, expiration: clock.nowMilliseconds + 3_600_000, chainID: 7)
        let signatures = try Self.validatorKeys.map {
            ValidatorSignature(validator: Self.address($0), signature: try EthereumSignature.sign(digest: message.digest, key: $0))
        }
        let t = CompletableTransfer(id: id, message: message, signatures: signatures, quorumAtMs: 0)
        try contract.expect(t, validators: validators)
        return t
    }

    /// A sender over one endpoint (the convenience `rpc:` form), or over all of them through one pool.
    func sender(_ store: InMemoryDeliveryStore) -> (EthereumSender, EndpointPool?) {
        guard endpoints.count > 1 else {
            return (EthereumSender(configuration: configuration, rpc: endpoints[0], store: store, clock: clock, logger: logs.logger()), nil)
        }
        let pool = EndpointPool(clients: endpoints, expectedChainID: ledger.chainID, clock: clock, logger: logs.logger())
        return (EthereumSender(configuration: configuration, pool: pool, store: store, clock: clock, logger: logs.logger()), pool)
    }
}

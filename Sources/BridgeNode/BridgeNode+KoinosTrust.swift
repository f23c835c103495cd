// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import ChainCrypto
import CurlTransport
import Koinos
import Logging
import ServiceLifecycle

extension BridgeNode {
    /// The validators in force before the contract is read: `koinos.validators_pin` when set,
    /// else the configured `validators` list.
    static func initialValidators(_ c: BridgeNodeConfiguration) -> [[UInt8]] {
        c.koinos.validatorsPin.isEmpty
            ? c.validators.compactMap { KoinosAddress($0.koinosAddress)?.bytes }
            : c.koinos.validatorsPin.compactMap { KoinosAddress($0)?.bytes }
    }

    /// `koinos.extra_rpc`, each as a client.
    static func extraKoinosClients(_ c: BridgeNodeConfiguration) -> [KoinosRPCClient] {
        c.koinos.extraRPC.map { KoinosRPCClient(transport: CurlHTTPTransport(configuration: curl($0, timeoutMs: 30_000))) }
    }

    /// The validator-set reader: `koinos.rpc`, confirmed by every `koinos.extra_rpc`, held to
    /// `koinos.validators_pin` when set.
    static func validatorSetSync(
        _ c: BridgeNodeConfiguration, rpc: KoinosRPCClient, extra: [KoinosRPCClient], bridge: [UInt8], version: KoinosBridgeContract.Version,
        seeds: [[UInt8]], logger: Logger
    ) -> KoinosValidatorSetSync {
        let pin = c.koinos.validatorsPin.isEmpty ? nil : ValidatorSet(initialValidators(c))
        return KoinosValidatorSetSync(
            rpc: rpc, checkers: extra, pinned: pin, bridge: bridge, version: version, fallback: initialValidators(c), seeds: seeds, logger: logger)
    }

    /// `koinos.chain_id` against `chain.get_chain_id` of `koinos.rpc` and `koinos.extra_rpc`.
    static func koinosChainCheck(_ c: BridgeNodeConfiguration, rpc: KoinosRPCClient, extra: [KoinosRPCClient], logger: Logger) -> KoinosChainCheck? {
        guard let expected = Base64URL.decode(c.koinos.chainID) else { return nil }
        let endpoints = [(key: "koinos.rpc", client: rpc)] + extra.enumerated().map { (key: "koinos.extra_rpc[\($0.offset)]", client: $0.element) }
        return KoinosChainCheck(endpoints: endpoints, expected: expected, logger: logger)
    }

    /// Logs what `config check` prints as warnings, once at start.
    static func logTrustWarnings(_ c: BridgeNodeConfiguration, logger: Logger) {
        for warning in c.trustWarnings() { logger.warning("\(warning.message)", metadata: ["config.key": "\(warning.key)"]) }
    }
}

/// Runs `base` (the Koinos submitter, which also reads the validator set) only once the Koinos
/// chain id is checked; a wrong `koinos.chain_id` ends the node with the check's one-line reason.
struct AfterKoinosChainCheck: Service {
    let base: any Service
    let check: KoinosChainCheck?

    func run() async throws {
        if let check { try await cancelWhenGracefulShutdown { try await check.waitUntilVerified() } }
        guard !Task.isShuttingDownGracefully else { return }
        try await base.run()
    }
}

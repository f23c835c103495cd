// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeKoinos
import ChainCrypto
import CurlTransport
import Koinos
import Logging
import ServiceLifecycle

extension BridgeNode {
    /// `koinos.extra_rpc`, each as a client.
    static func extraKoinosClients(_ c: ValidatedConfiguration) -> [KoinosRPCClient] {
        c.koinos.extraEndpoints.map { KoinosRPCClient(transport: CurlHTTPTransport(configuration: curl($0, timeoutMs: 30_000))) }
    }

    /// The validator-set reader: `koinos.rpc`, confirmed by every `koinos.extra_rpc`, held to
    /// `koinos.validators_pin` when set.
    static func validatorSetSync(
        _ c: ValidatedConfiguration, rpc: KoinosRPCClient, extra: [KoinosRPCClient], bridge: [UInt8], version: KoinosBridgeContract.Version,
        seeds: [[UInt8]], logger: Logger
    ) -> KoinosValidatorSetSync {
        let pin = c.koinos.validatorsPin.isEmpty ? nil : ValidatorSet(c.koinos.validatorsPin)
        return KoinosValidatorSetSync(
            rpc: rpc, checkers: extra, pinned: pin, bridge: bridge, version: version, fallback: c.initialValidators, seeds: seeds, logger: logger)
    }

    /// `koinos.chain_id` against `chain.get_chain_id` of `koinos.rpc` and `koinos.extra_rpc`.
    static func koinosChainCheck(_ c: ValidatedConfiguration, rpc: KoinosRPCClient, extra: [KoinosRPCClient], logger: Logger) -> KoinosChainCheck {
        let expected = c.koinos.chainID
        let endpoints = [(key: "koinos.rpc", client: rpc)] + extra.enumerated().map { (key: "koinos.extra_rpc[\($0.offset)]", client: $0.element) }
        return KoinosChainCheck(endpoints: endpoints, expected: expected, logger: logger)
    }

    /// Logs what `config check` prints as warnings, once at start.
    static func logTrustWarnings(_ c: ValidatedConfiguration, logger: Logger) {
        for warning in c.source.trustWarnings() { logger.warning("\(warning.message)", metadata: ["config.key": "\(warning.key)"]) }
    }
}

/// Runs `base` (the Koinos submitter, which also reads the validator set) only once the Koinos
/// chain id is checked; a wrong `koinos.chain_id` ends the node with the check's one-line reason.
struct AfterKoinosChainCheck: Service {
    let base: any Service
    let check: KoinosChainCheck

    func run() async throws {
        try await cancelWhenGracefulShutdown { try await check.waitUntilVerified() }
        guard !Task.isShuttingDownGracefully else { return }
        try await base.run()
    }
}

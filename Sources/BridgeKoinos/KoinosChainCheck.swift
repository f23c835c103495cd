// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
public import Koinos
public import Logging

/// The start-up check of `koinos.chain_id` against `chain.get_chain_id`, as the Ethereum chain id
/// is checked: a node configured for one Koinos network must not sign or submit on another.
///
/// `koinos.rpc` (the first endpoint) must answer before the node uses Koinos: while it cannot be
/// reached it is asked again after a growing pause, one "unreachable" line each time. The other
/// endpoints are asked in the same rounds. Any endpoint serving another chain id ends the wait
/// with `KoinosChainCheck.Mismatch`, whose description is the one line the operator sees.
public struct KoinosChainCheck: Sendable {
    /// `koinos.rpc` first, then `koinos.extra_rpc`, each with its configuration key for messages.
    public let endpoints: [(key: String, client: KoinosRPCClient)]
    /// The configured chain id (34-byte multihash).
    public let expected: [UInt8]
    public let logger: Logger

    public init(endpoints: [(key: String, client: KoinosRPCClient)], expected: [UInt8], logger: Logger) {
        precondition(!endpoints.isEmpty, "at least koinos.rpc")
        self.endpoints = endpoints
        self.expected = expected
        self.logger = logger
    }

    /// The configured chain id differs from what an endpoint serves.
    public struct Mismatch: Error, Sendable, CustomStringConvertible {
        public let key: String
        public let expected: [UInt8]
        public let served: [UInt8]
        public var description: String {
            "koinos.chain_id is \(Base64URL.encode(expected)) but the Koinos node at \(key) serves \(Base64URL.encode(served)): refusing to start"
        }
    }

    /// Returns once `koinos.rpc` answered the configured chain id (and every other endpoint that
    /// answered meanwhile did too; one still unreachable is not waited for: the validator-set
    /// agreement refuses sets until it answers); throws `Mismatch` at once otherwise,
    /// `CancellationError` when cancelled.
    public func waitUntilVerified(initialDelayMs: UInt64 = 1_000, maxDelayMs: UInt64 = 30_000) async throws {
        var delayMs = initialDelayMs
        var attempt = 0
        while true {
            var primaryAnswered = false
            for (index, endpoint) in endpoints.enumerated() {
                do {
                    let served = try await endpoint.client.chainID()
                    guard served == expected else { throw Mismatch(key: endpoint.key, expected: expected, served: served) }
                    if index == 0 { primaryAnswered = true }
                } catch let error as KoinosError {
                    let level: Logger.Level = index == 0 ? .error : .warning
                    logger.log(level: level, "Koinos endpoint unreachable at start; retrying", metadata: [
                        "koinos.endpoint": "\(endpoint.key)", "error": "\(error)", "retry.in_ms": "\(delayMs)"])
                }
            }
            if primaryAnswered {
                if attempt > 0 {
                    logger.notice("Koinos endpoint reachable; chain id checked", metadata: ["koinos.chain_id": "\(Base64URL.encode(expected))"])
                }
                return
            }
            attempt += 1
            try await Task.sleep(for: .milliseconds(Int64(clamping: delayMs)))
            delayMs = min(delayMs * 2, max(maxDelayMs, initialDelayMs))
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
public import BridgeCore
public import Ethereum
import Synchronization

/// The Ethereum bridge contract's validator set for the Koinos → Ethereum signer, which needs it
/// every round (1 s): one `nonce()` call per round, and the whole set (`getValidatorsLength` plus one
/// `validators(i)` per validator) only when `ContractValidatorRefresh` says so — the nonce moved,
/// could not be read, or the set is a minute old.
public final class BridgeValidatorSetReader: Sendable {
    let rpc: EthereumRPCClient
    let bridge: [UInt8]
    let clock: any BridgeClock
    let state: Mutex<(refresh: ContractValidatorRefresh, set: [[UInt8]]?)>

    public init(rpc: EthereumRPCClient, bridge: [UInt8], clock: any BridgeClock, refresh: ContractValidatorRefresh = ContractValidatorRefresh()) {
        self.rpc = rpc
        self.bridge = bridge
        self.clock = clock
        self.state = Mutex((refresh, nil))
    }

    /// The current set (20-byte addresses, contract order). Throws when it must be read and cannot be.
    public func current() async throws -> [[UInt8]] {
        let nonce = try? await rpc.bridgeAdminNonce(bridge: bridge)
        let now = clock.nowMilliseconds
        if let known = state.withLock({ $0.refresh.isDue(chainNonce: nonce, atMilliseconds: now) ? nil : $0.set }) { return known }
        let set = try await rpc.bridgeValidatorSet(bridge: bridge)
        state.withLock {
            $0.refresh.didRead(chainNonce: nonce, atMilliseconds: now)
            $0.set = set
        }
        return set
    }
}

// SPDX-License-Identifier: Apache-2.0
import BridgeNode
import Foundation

/// What `run` does before any service starts, in order: lock the data folder (a second node on
/// it is refused, naming the folder and the holder's PID), probe the listen addresses (a port in
/// use is refused, naming the key and the address), lock the keystore file, unlock the keys.
///
/// Blocking system calls and Argon2id: runs on its own thread (`OffPool`).
enum NodeStart {
    struct Started: Sendable {
        var keys: NodeKeys
        /// Held for the life of the process (the kernel releases them when it ends).
        var locks: [InstanceLock]
    }

    /// Every reason the node may not start, one line each.
    struct Refusal: Error {
        var reasons: [String]
    }

    static func prepare(_ validated: ValidatedConfiguration) -> Result<Started, Refusal> {
        let configuration = validated.source
        let dataLock: InstanceLock
        do {
            dataLock = try InstanceLock.lockDataDirectory(validated.dataDirectory)
        } catch {
            return .failure(Refusal(reasons: [error.description]))
        }
        let inUse = ListenAddressProbe.problems(configuration)
        guard inUse.isEmpty else { return .failure(Refusal(reasons: inUse.map(\.description))) }
        let keystoreLock: InstanceLock
        do {
            keystoreLock = try InstanceLock.lockKeystore(configuration.resolve(configuration.keystore.path))
        } catch {
            return .failure(Refusal(reasons: [error.description]))
        }
        switch NodeKeystore.unlock(configuration) {
        case .success(let keys): return .success(Started(keys: keys, locks: [dataLock, keystoreLock]))
        case .failure(let failure): return .failure(Refusal(reasons: [failure.message]))
        }
    }
}

// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Synchronization

/// A manually advanced clock: every timer in the tests moves only when the test says so.
final class VirtualClock: BridgeClock {
    private let now: Mutex<UInt64>

    init(startMilliseconds: UInt64 = 1_700_000_000_000) { now = Mutex(startMilliseconds) }

    var nowMilliseconds: UInt64 { now.withLock { $0 } }

    func advance(milliseconds: UInt64) { now.withLock { $0 += milliseconds } }
}

/// Records re-observation requests; the test plays the Ethereum watcher and answers them.
final class RecordingReobservation: ReobservationRequester {
    private let ids = Mutex<[ObservationID]>([])

    func requestReobservation(of id: ObservationID) async { ids.withLock { $0.append(id) } }

    func take() -> [ObservationID] { ids.withLock { let all = $0; $0 = []; return all } }
}

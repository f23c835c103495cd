// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import Synchronization

/// Records re-observation requests; the test plays the Ethereum watcher and answers them.
final class RecordingReobservation: ReobservationRequester {
    private let ids = Mutex<[ObservationID]>([])

    func requestReobservation(of id: ObservationID) async { ids.withLock { $0.append(id) } }

    func take() -> [ObservationID] { ids.withLock { let all = $0; $0 = []; return all } }
}

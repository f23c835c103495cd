// SPDX-License-Identifier: Apache-2.0
import Foundation

extension MultiProcessTests {
    /// Every API lists every validator with a heartbeat, its own included (gossipsub never
    /// delivers a node's own heartbeat back, so the node records it when publishing).
    static func everyValidatorHasAHeartbeat(_ apis: [String], count: Int) async -> Bool {
        for api in apis {
            guard let body = try? await getJSON("\(api)/v1/validators"), let list = body["validators"] as? [[String: Any]],
                  list.count == count,
                  list.allSatisfy({ ($0["last_heartbeat_ms"] as? Int ?? 0) > 0 && $0["peer_id"] is String })
            else { return false }
        }
        return true
    }
}

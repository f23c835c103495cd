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

    /// Lines of a relay's stderr log (not a TTY, so JSON lines) that are not a JSON object with a
    /// UTC millisecond `ts`, a `level` and a `msg`.
    static func nonJSONLogLines(in path: String) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return ["(no log at \(path))"] }
        let lines = text.split(separator: "\n").map(String.init)
        guard !lines.isEmpty else { return ["(empty log)"] }
        return lines.filter { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let ts = object["ts"] as? String, object["level"] is String, object["msg"] is String
            else { return true }
            return ts.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) == nil
        }
    }
}

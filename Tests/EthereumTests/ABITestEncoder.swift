// SPDX-License-Identifier: Apache-2.0
import Ethereum

/// A minimal ABI encoder for test fixtures (static words and string tails).
enum ABITestEncoder {
    enum Item {
        case uint(UInt64)
        case address([UInt8])
        case string(String)
    }

    static func encode(_ items: [Item]) -> [UInt8] {
        var head: [UInt8] = []
        var tail: [UInt8] = []
        let headSize = 32 * items.count
        for item in items {
            switch item {
            case .uint(let v): head += ABIWord(v).bytes
            case .address(let a): head += [UInt8](repeating: 0, count: 12) + a
            case .string(let s):
                head += ABIWord(UInt64(headSize + tail.count)).bytes
                let bytes = Array(s.utf8)
                tail += ABIWord(UInt64(bytes.count)).bytes + bytes + [UInt8](repeating: 0, count: (32 - bytes.count % 32) % 32)
            }
        }
        return head + tail
    }
}

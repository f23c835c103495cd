// SPDX-License-Identifier: Apache-2.0
@testable import BridgeAttestation
import BridgeCore
import Testing

/// The pool's per-digest signature table: one value per validator, always ordered by address.
struct AddressOrderedTableTests {
    static let validators: [[UInt8]] = [[0, 9, 1], [0, 2], [0, 9], [5], [0, 2, 0], [1, 1, 1]]

    @Test func keepsOneValuePerValidatorInAddressOrder() {
        var table = AddressOrderedTable<[UInt8]>()
        for (i, v) in Self.validators.enumerated() { table[v] = [UInt8(i)] }
        let sorted = Self.validators.sorted { $0.lexicographicallyPrecedes($1) }
        #expect(table.entries.map(\.validator) == sorted)
        #expect(table.signatures.map(\.validator) == sorted)

        table[[5]] = [42]  // replaces, does not add
        #expect(table.count == Self.validators.count)
        #expect(table[[5]] == [42])

        table[[0, 2]] = nil
        table[[7, 7]] = nil  // absent: nothing happens
        #expect(table[[0, 2]] == nil)
        #expect(table.entries.map(\.validator) == sorted.filter { $0 != [0, 2] })
        #expect(table[[0, 2, 0]] == [4], "a longer address with the removed one as prefix is kept")
    }
}

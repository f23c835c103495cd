// SPDX-License-Identifier: Apache-2.0
import BridgeNode
import Testing

/// The YAML layer keeps every scalar as the text that was written: no YAML 1.1 typing (`yes`, `0x1F`,
/// `1_000`, `2001-12-14`, `.inf` stay text), only plain `~`/`null`/empty read as null. `ConfigReader`
/// alone gives scalars their types, so a value reads the same from YAML, the environment or a flag.
/// (The tree is parsed without Yams' tag resolver since issue 16; these pin the behaviour it had.)
struct ConfigTreeScalarTests {
    static let yaml = """
        flag: yes
        hex: 0x1F
        grouped: 1_000
        date: 2001-12-14
        infinity: .inf
        exponent: 1e3
        merge: <<
        tilde: ~
        word_null: null
        capital_null: NULL
        empty:
        quoted_null: "null"
        quoted_empty: ''
        true: key named true
        7: key named seven
        list: [on, 010, ~]
        """

    @Test func scalarsStayAsWritten() throws {
        let tree = try ConfigTree.parse(yaml: Self.yaml, source: "t.yaml")
        let texts = ["flag": "yes", "hex": "0x1F", "grouped": "1_000", "date": "2001-12-14", "infinity": ".inf",
                     "exponent": "1e3", "merge": "<<", "quoted_null": "null", "quoted_empty": "",
                     "true": "key named true", "7": "key named seven"]
        for (key, text) in texts { #expect(tree[key] == .scalar(text), "\(key)") }
        for key in ["tilde", "word_null", "capital_null", "empty"] { #expect(tree[key] == .null, "\(key)") }
        #expect(tree["list"] == .list([.scalar("on"), .scalar("010"), .null]))
    }

    @Test func readerTypesTheText() throws {
        let reader = ConfigReader(tree: try ConfigTree.parse(yaml: Self.yaml + "\nbig: 1_000_000\ndouble: 1__0\nbare: _\nneg: -1\n", source: "t.yaml"))
        #expect(reader.uint64("grouped", default: 5) == 1000)
        #expect(reader.uint64("big", default: 5) == 1_000_000)
        #expect(reader.uint64("double", default: 5) == 10)
        #expect(reader.bool("flag", default: false) == true)
        #expect(reader.string("date", default: "") == "2001-12-14")
        #expect(reader.problems.isEmpty)
        #expect(reader.optionalUInt64("hex") == nil)
        #expect(reader.optionalUInt64("bare") == nil)
        #expect(reader.optionalUInt64("neg") == nil)
        #expect(reader.problems.map(\.key) == ["hex", "bare", "neg"])
        #expect(reader.problems.first?.message == "expected an unsigned integer, got '0x1F'")
    }

    @Test func duplicateKeysAreStillRefused() {
        #expect(throws: ConfigurationError.self) { try ConfigTree.parse(yaml: "a: 1\na: 2\n", source: "t.yaml") }
        #expect(throws: ConfigurationError.self) { try ConfigTree.parse(yaml: "a: 1\nb: [1\n", source: "t.yaml") }
    }
}

// SPDX-License-Identifier: Apache-2.0
@testable import BridgeKeystore
import ChainCrypto
import Foundation
import Testing

/// Keystore files: round trip, permissions, no overwrite, wrong passphrase, tampering.
struct KeystoreTests {
    private let passphrase = Array("correct horse battery staple".utf8)
    /// koinos.md §8.1 key: its addresses are known.
    private let knownKey = try! Secp256k1.PrivateKey(
        rawRepresentation: ChainHex.decode("bab7fd6e5bd624f4ea0c33f7e7219262a6fa93a945a8964d9f110148286b7b37")!)

    private func temporaryPath() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("keystore-tests-" + UUID().uuidString)
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("validator.json").path
    }

    private func create(_ path: String, type: P2PKeyType = .p256) throws -> KeystorePublicInfo {
        try Keystore.create(path: path, passphrase: passphrase, validatorKey: knownKey, p2pKey: .generate(type: type), limits: .interactive)
    }

    @Test func createThenLoadGivesBackTheKeys() throws {
        let path = temporaryPath()
        let info = try create(path)
        #expect(info.koinosAddress == "1GE2JqXw5LMQaU1sj82Dy8ZEe2BRXQS1cs")
        #expect(info.publicKey == "032921dd54fdd8fb5d2ab1a9928db7e9e08b34f8711a3332e0f1b36e71076b9cf2")
        #expect(info.peerID.hasPrefix("Qm"))
        let keys = try Keystore.load(path: path, passphrase: passphrase)
        #expect(keys.validatorKey.rawRepresentation == knownKey.rawRepresentation)
        #expect(keys.p2pKeyType == .p256)
        #expect(keys.p2pKey.peerID == info.peerID)
        #expect(try Keystore.publicInfo(path: path) == info)
    }

    @Test func fileIsPrivateAndHoldsNoSecretInClear() throws {
        let path = temporaryPath()
        _ = try create(path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("bab7fd6e5bd624f4"))
        #expect(text.contains("\"memory_bytes\" : 67108864"))  // interactive limits are recorded
        let siblings = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
        #expect(siblings == ["validator.json"])  // no temporary file left behind
    }

    @Test func refusesToOverwrite() throws {
        let path = temporaryPath()
        _ = try create(path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: KeystoreError.alreadyExists(path: path)) { try create(path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func wrongPassphraseFails() throws {
        let path = temporaryPath()
        _ = try create(path)
        #expect(throws: KeystoreError.wrongPassphraseOrTampered(path: path)) {
            try Keystore.load(path: path, passphrase: Array("Correct horse battery staple".utf8))
        }
    }

    @Test(arguments: ["koinos_address", "peer_id", "ciphertext", "salt"])
    func tamperingWithAnyFieldFails(field: String) throws {
        let path = temporaryPath()
        _ = try create(path, type: .ed25519)
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        func flip(_ text: String) -> String {
            // Change the last character to another valid one of the same alphabet.
            let last = text.last!
            return String(text.dropLast()) + (last == "2" ? "3" : "2")
        }
        switch field {
        case "ciphertext":
            var cipher = object["cipher"] as! [String: Any]
            cipher["ciphertext"] = flip(cipher["ciphertext"] as! String)
            object["cipher"] = cipher
        case "salt":
            var kdf = object["kdf"] as! [String: Any]
            kdf["salt"] = flip(kdf["salt"] as! String)
            object["kdf"] = kdf
        default:
            object[field] = flip(object[field] as! String)
        }
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        #expect(throws: KeystoreError.wrongPassphraseOrTampered(path: path)) { try Keystore.load(path: path, passphrase: passphrase) }
    }

    @Test func malformedAndHostileFilesAreRejectedBeforeAnyWork() throws {
        let path = temporaryPath()
        try Data("not json".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: KeystoreError.malformed(path: path, reason: "not a keystore JSON object")) {
            try Keystore.load(path: path, passphrase: passphrase)
        }
        let other = temporaryPath()
        _ = try create(other)
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: other))) as! [String: Any]
        var kdf = object["kdf"] as! [String: Any]
        kdf["memory_bytes"] = 1 << 40
        object["kdf"] = kdf
        try FileManager.default.removeItem(atPath: other)
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: other))
        #expect(throws: KeystoreError.kdfLimitsOutOfRange(path: other)) { try Keystore.load(path: other, passphrase: passphrase) }
        #expect(throws: KeystoreError.notFound(path: path + ".missing")) { try Keystore.load(path: path + ".missing", passphrase: passphrase) }
    }

    @Test func emptyPassphraseIsRefused() {
        #expect(throws: KeystoreError.emptyPassphrase) {
            try Keystore.create(path: temporaryPath(), passphrase: [], validatorKey: knownKey, p2pKey: .generate(type: .p256), limits: .interactive)
        }
    }
}

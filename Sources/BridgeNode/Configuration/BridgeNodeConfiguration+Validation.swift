// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
public import Foundation

extension BridgeNodeConfiguration {
    /// Every problem with this configuration, one per line, each naming its key; empty when the
    /// node may start. Includes the read problems (types, unknown keys); a key that could not be
    /// read gets that one line only, not a second one about the value it then fell back to.
    public func validate(fileSystem: FileManager = .default) -> [ConfigurationProblem] {
        var out = readProblems
        let unreadable = Set(readProblems.map(\.key))
        func add(_ key: String, _ message: String) {
            guard !unreadable.contains(key) else { return }
            out.append(ConfigurationProblem(key: key, message: message))
        }

        // ethereum
        if ethereum.rpc.isEmpty { add("ethereum.rpc", "at least one endpoint is required") }
        for (i, url) in ethereum.rpc.enumerated() {
            if let m = ConfigChecks.httpURLProblem(url) { add("ethereum.rpc[\(i)]", m) }
        }
        if Set(ethereum.rpc).count != ethereum.rpc.count { add("ethereum.rpc", "the same endpoint is listed twice") }
        if ethereum.chainID == 0 { add("ethereum.chain_id", "must be set (the EVM chain id, e.g. 1 or 11155111)") }
        if let m = ConfigChecks.ethereumAddressProblem(ethereum.contract) { add("ethereum.contract", m) }
        if !["v1", "v2"].contains(ethereum.profile) { add("ethereum.profile", "must be v1 or v2, got \(ConfigChecks.quoted(ethereum.profile))") }
        if !["finalized", "safe", "confirmations"].contains(ethereum.finality) {
            add("ethereum.finality", "must be finalized, safe or confirmations, got \(ConfigChecks.quoted(ethereum.finality))")
        }
        if ethereum.maxBlockWindow == 0 { add("ethereum.max_block_window", "must be at least 1 (0 would scan no block)") }
        if ethereum.pollIntervalMs == 0 { add("ethereum.poll_interval_ms", "must be at least 1 ms (0 would poll without pause)") }
        if !["failover", "two_agree"].contains(ethereum.agreement) {
            add("ethereum.agreement", "must be failover or two_agree, got \(ConfigChecks.quoted(ethereum.agreement))")
        }
        if ethereum.agreement == "two_agree", ethereum.rpc.count < 2 { add("ethereum.agreement", "two_agree needs at least two ethereum.rpc endpoints") }
        for problem in ethereumRelayerProblems() { add(problem.key, problem.message) }

        // koinos
        if let m = ConfigChecks.httpURLProblem(koinos.rpc) { add("koinos.rpc", m) }
        for (i, url) in koinos.extraRPC.enumerated() {
            if let m = ConfigChecks.httpURLProblem(url) { add("koinos.extra_rpc[\(i)]", m) }
        }
        if Set([koinos.rpc] + koinos.extraRPC).count != koinos.extraRPC.count + 1 { add("koinos.extra_rpc", "the same endpoint is listed twice") }
        for (i, address) in koinos.validatorsPin.enumerated() {
            if let m = ConfigChecks.koinosAddressProblem(address) { add("koinos.validators_pin[\(i)]", m) }
        }
        if Set(koinos.validatorsPin).count != koinos.validatorsPin.count { add("koinos.validators_pin", "an address is listed twice") }
        if let m = ConfigChecks.koinosChainIDProblem(koinos.chainID) { add("koinos.chain_id", m) }
        if let m = ConfigChecks.koinosAddressProblem(koinos.bridgeContract) { add("koinos.bridge_contract", m) }
        if ethereum.profile == "v1", koinos.chain != 0 { add("koinos.chain", "only the v2 profile carries a destination chain; must be 0 for v1") }
        for (eth, kc) in koinos.tokens.sorted(by: { $0.key < $1.key }) {
            if eth != "native", let m = ConfigChecks.ethereumAddressProblem(eth) { add("koinos.tokens.\(eth)", "key: \(m)") }
            if let m = ConfigChecks.koinosAddressProblem(kc) { add("koinos.tokens.\(eth)", m) }
        }
        if koinos.signatureLifetimeMs == 0 { add("koinos.signature_lifetime_ms", "must be greater than 0 (signatures would be born expired)") }
        if koinos.rcLimitCap == 0 { add("koinos.rc_limit_cap", "must be greater than 0 (no transaction could be paid for)") }
        if koinos.submitTimeoutMs == 0 { add("koinos.submit_timeout_ms", "must be greater than 0") }
        if !["own", "none"].contains(koinos.relayerPolicy) {
            add("koinos.relayer_policy", "must be own or none, got \(ConfigChecks.quoted(koinos.relayerPolicy))")
        }

        // validators
        var seen = Set<String>()
        for (i, v) in validators.enumerated() {
            if let m = ConfigChecks.koinosAddressProblem(v.koinosAddress) { add("validators[\(i)].koinos_address", m) }
            if let m = ConfigChecks.ethereumAddressProblem(v.ethereumAddress) { add("validators[\(i)].ethereum_address", m) }
            if let m = ConfigChecks.peerIDProblem(v.peerID) { add("validators[\(i)].peer_id", m) }
            if !seen.insert(v.koinosAddress).inserted { add("validators[\(i)].koinos_address", "listed twice") }
        }

        // p2p
        for (i, a) in p2p.listen.enumerated() {
            if let m = ConfigChecks.multiaddrProblem(a, needsPeerID: false) { add("p2p.listen[\(i)]", m) }
        }
        for (i, a) in p2p.bootstrap.enumerated() {
            if let m = ConfigChecks.multiaddrProblem(a, needsPeerID: true) { add("p2p.bootstrap[\(i)]", m) }
        }
        for (i, a) in p2p.koinosPeers.enumerated() {
            if let m = ConfigChecks.multiaddrProblem(a, needsPeerID: true) { add("p2p.koinos_peers[\(i)]", m) }
        }
        if p2p.topic.isEmpty { add("p2p.topic", "must not be empty") }
        if !(33...100_000).contains(p2p.maxConnections) { add("p2p.max_connections", "must be between 33 and 100000 (32 slots are reserved)") }
        if !(1...100_000).contains(p2p.maxConnectionsPerIP) { add("p2p.max_connections_per_ip", "must be between 1 and 100000") }
        for (i, peer) in p2p.reservedPeers.enumerated() {
            if let m = ConfigChecks.peerIDProblem(peer) { add("p2p.reserved_peers[\(i)]", m) }
        }
        if ValidatedConfiguration.AdvertisedHead(rawValue: p2p.advertiseHead) == nil {
            add("p2p.advertise_head", "must be lib or head, got \(ConfigChecks.quoted(p2p.advertiseHead))")
        }

        // keystore
        if keystore.path.isEmpty {
            add("keystore.path", "must be set")
        } else if let m = ConfigChecks.readableFileProblem(resolve(keystore.path), fileSystem: fileSystem) {
            add("keystore.path", m)
        }
        if !keystore.passphraseFile.isEmpty, let m = ConfigChecks.secretFileProblem(resolve(keystore.passphraseFile), fileSystem: fileSystem) {
            add("keystore.passphrase_file", m)
        }

        // http, data_dir, log
        if http.enabled, let m = ConfigChecks.listenAddressProblem(http.listen) { add("http.listen", m) }
        if dataDir.isEmpty {
            add("data_dir", "must be set")
        } else if let m = ConfigChecks.dataDirectoryProblem(resolve(dataDir), fileSystem: fileSystem) {
            add("data_dir", m)
        }
        if !["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(log.level) {
            add("log.level", "must be trace, debug, info, notice, warning, error or critical, got \(ConfigChecks.quoted(log.level))")
        }
        if !["auto", "human", "json"].contains(log.format) { add("log.format", "must be auto, human or json, got \(ConfigChecks.quoted(log.format))") }

        // governor
        for problem in governorProblems() { add(problem.key, problem.message) }
        for problem in koinosWatcherProblems() { add(problem.key, problem.message) }
        return out
    }
}

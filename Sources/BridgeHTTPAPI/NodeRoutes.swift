// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore
import Hummingbird

/// Node-level routes: validators, peers, status, evidence, health, readiness, metrics, OpenAPI.
struct NodeRoutes {
    let api: InspectionAPI

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v1/validators") { _, _ in try await validators() }
        router.get("/v1/peers") { _, _ in await peers() }
        router.get("/v1/status") { _, _ in try await status() }
        router.get("/v1/evidence") { request, _ in try await evidence(request.uri.queryParameters) }
        router.get("/healthz") { _, _ in JSONResponse.make(["status": "ok"]) }
        router.get("/readyz") { _, _ in await ready() }
        router.get("/metrics") { _, _ in try metrics() }
        router.get("/openapi.json") { _, _ in JSONResponse.bytes(OpenAPIDocument.bytes, contentType: "application/json") }
    }

    /// Our own Ethereum progress: the cursor whose name starts with "eth", else the highest one.
    func ownEthereumCursor(_ cursors: [CursorRecord]) -> UInt64? {
        cursors.first { $0.name.hasPrefix("eth") }?.blockNumber ?? cursors.map(\.blockNumber).max()
    }

    func validators() async throws -> Response {
        let heartbeats = try await api.store.heartbeats()
        let ours = ownEthereumCursor(try await api.store.cursors())
        var byAddress: [String: HeartbeatRecord] = [:]
        for h in heartbeats { byAddress[TextForms.koinosAddress(h.validator)] = h }
        var items = api.validators.map { v in
            ValidatorJSON(
                koinos_address: v.koinosAddress, ethereum_address: Nullable(v.ethereumAddress), peer_id: Nullable(v.peerID),
                heartbeat: byAddress.removeValue(forKey: v.koinosAddress), ownCursor: ours, configured: true,
                isSelf: v.koinosAddress == api.node.validatorAddress)
        }
        // Validators known only from heartbeats (e.g. the on-chain set grew beyond the fallback list).
        for (address, h) in byAddress.sorted(by: { $0.key < $1.key }) {
            items.append(
                ValidatorJSON(
                    koinos_address: address, ethereum_address: Nullable(nil), peer_id: Nullable(h.peerID), heartbeat: h,
                    ownCursor: ours, configured: false, isSelf: address == api.node.validatorAddress))
        }
        return JSONResponse.make(["validators": items])
    }

    func peers() async -> Response {
        let peers = await api.peers.peers().map {
            PeerJSON(
                peer_id: $0.peerID, addresses: $0.addresses, connected: $0.connected, validator: Nullable($0.validator), role: $0.role,
                koinos_handshake: Nullable($0.koinosHandshake))
        }
        return JSONResponse.make(["peers": peers])
    }

    func status() async throws -> Response {
        let cursors = try await api.store.cursors()
        let counts = try await api.store.statusCounts()
        let peers = await api.peers.peers()
        let now = api.clock()
        var queues: [String: Int] = [:]
        for s in AttestationStatus.allCases { queues[s.rawValue] = counts[s] ?? 0 }
        let body = StatusJSON(
            version: api.node.version, profile: api.node.profile, validator: Nullable(api.node.validatorAddress),
            now_ms: now, uptime_ms: now &- api.startedAtMs,
            ethereum: .init(
                chain_id: api.node.ethereumChainID, contract: api.node.ethereumContract,
                cursors: cursors.map {
                    .init(name: $0.name, block_number: $0.blockNumber, updated_at_ms: $0.updatedAtMs, age_ms: now >= $0.updatedAtMs ? now - $0.updatedAtMs : 0)
                }),
            koinos: .init(chain_id: api.node.koinosChainID, bridge_contract: api.node.koinosBridgeContract),
            peers: .init(known: peers.count, connected: peers.filter(\.connected).count),
            attestations: queues)
        return JSONResponse.make(body)
    }

    func evidence(_ parameters: Parameters) async throws -> Response {
        for (key, _) in parameters where key != "before" && key != "limit" {
            throw APIError.badRequest("unknown parameter '\(String(key).prefix(60))'; known: before, limit")
        }
        var before: Int64?
        if let text = parameters.get("before") {
            guard let value = Int64(text), value > 0 else { throw APIError.badRequest("before must be a positive evidence id") }
            before = value
        }
        var limit = AttestationRoutes.defaultLimit
        if let text = parameters.get("limit") {
            guard let value = Int(text), (1...AttestationQuery.maximumLimit).contains(value) else {
                throw APIError.badRequest("limit must be an integer in 1...\(AttestationQuery.maximumLimit), got '\(text.prefix(40))'")
            }
            limit = value
        }
        let rows = try await api.store.evidence(before: before, limit: limit)
        let items = rows.map {
            EvidenceJSON(
                id: $0.id, validator: TextForms.koinosAddress($0.validator), observation_id: $0.observationID,
                digest_a: Hex.encode($0.digestA), signature_a: TextForms.base64URL($0.signatureA),
                digest_b: Hex.encode($0.digestB), signature_b: TextForms.base64URL($0.signatureB), detected_at_ms: $0.detectedAtMs)
        }
        return JSONResponse.make(EvidenceListJSON(items: items, next_before: Nullable(rows.count == limit ? rows.last?.id : nil)))
    }

    func ready() async -> Response {
        var checks: [String: Bool] = [:]
        var storeReady = true
        do { _ = try await api.store.cursors() } catch { storeReady = false }
        checks["store"] = storeReady
        for check in api.readiness { checks[check.name] = await check.isReady() }
        let ready = checks.values.allSatisfy { $0 }
        return JSONResponse.make(ReadyJSON(ready: ready, checks: checks), status: ready ? .ok : .serviceUnavailable)
    }

    func metrics() throws -> Response {
        guard let exposition = api.metricsExposition else { throw APIError.notFound("metrics are disabled (metrics.enabled: false)") }
        return JSONResponse.bytes(exposition(), contentType: "text/plain; version=0.0.4; charset=utf-8")
    }
}

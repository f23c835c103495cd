// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore
import ChainCrypto
import Foundation
import Hummingbird

/// `GET /v1/attestations` (filters, `direction`, keyset pagination) and `GET /v1/attestations/{id}`
/// for both directions (an id `koinos:0x…:n` names a Koinos → Ethereum lock).
struct AttestationRoutes {
    /// Query parameters `/v1/attestations` understands; anything else is a 400.
    static let listParameters: Set<String> = ["status", "token", "recipient", "source_tx", "cursor", "limit", "direction"]
    static let defaultLimit = 50

    let api: InspectionAPI

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v1/attestations") { request, _ in try await list(request) }
        router.get("/v1/attestations/:id") { _, context in
            try await detail(id: context.parameters.require("id"))
        }
    }

    func list(_ request: Request) async throws -> Response {
        // A page depends on every row of its direction, so a cached one is valid only while no
        // attestation view changed; only query strings that parsed and were answered are cached.
        let key = request.uri.query ?? ""
        let generation = api.store.attestationGeneration
        if let body = api.renderedAttestationLists.body(for: key, generation: generation) {
            return JSONResponse.body(body)
        }
        let parameters = request.uri.queryParameters
        let body: ByteBuffer?
        if let text = parameters.get("direction") {
            guard let direction = BridgeCore.TransferDirection(rawValue: text) else {
                throw APIError.badRequest("direction must be ethereum_to_koinos or koinos_to_ethereum, got '\(text.prefix(40))'")
            }
            body = direction == .koinosToEthereum ? try await koinosList(parameters) : try await ethereumList(parameters)
        } else {
            body = try await ethereumList(parameters)
        }
        guard let body else { return JSONResponse.encodingFailure }
        api.renderedAttestationLists.store(body, for: key, generation: generation)
        return JSONResponse.body(body)
    }

    /// The first direction's page (also the list without `direction`).
    private func ethereumList(_ parameters: Parameters) async throws -> ByteBuffer? {
        let query = try Self.parseQuery(parameters)
        if query.after?.isKoinosLock == true {
            throw APIError.badRequest("cursor belongs to the koinos_to_ethereum list; add direction=koinos_to_ethereum")
        }
        let page = try await api.store.attestations(query)
        return JSONResponse.encode(AttestationListJSON(
            items: page.items.map { AttestationJSON($0, recovery: nil) }, next_cursor: Nullable(page.nextCursor?.text), limit: query.limit))
    }

    func detail(id rawID: String) async throws -> Response {
        // Koinos lock ids are looked up (and cached) in their canonical text form.
        // Ids need no escapes; only an escaped one pays Foundation's decoder.
        let decoded = rawID.utf8.contains(UInt8(ascii: "%")) ? rawID.removingPercentEncoding ?? rawID : rawID
        let lockID = decoded.hasPrefix("koinos:") ? KoinosLockID(decoded) : nil
        let id = lockID?.description ?? decoded
        // A cached body exists only for an id that parsed and was found, so look it up first. It
        // stays valid while this observation's rows are unchanged (writes to others leave it).
        let generation = api.store.attestationGeneration(id: id)
        if let body = api.renderedAttestations.body(for: id, generation: generation) {
            return JSONResponse.body(body)
        }
        let body: ByteBuffer?
        if let lockID {
            guard let lock = try await api.store.koinosLockDetail(lockID) else { throw APIError.notFound("no attestation with id \(id)") }
            body = KoinosAttestationRenderer.render(KoinosAttestationJSON(lock))
        } else {
            guard Self.isObservationID(id) else { throw APIError.badRequest(Self.idForms + ", got '\(id.prefix(120))'") }
            guard let record = try await api.store.attestation(id: id) else { throw APIError.notFound("no attestation with id \(id)") }
            body = AttestationDetailRenderer.render(record, recovery: api.recovery)
        }
        guard let body else { return JSONResponse.encodingFailure }
        api.renderedAttestations.store(body, for: id, generation: generation)
        return JSONResponse.body(body)
    }

    /// Whether `id` parses as an `ObservationID`. The canonical form (`<1-19 digits>:0x<64 lowercase
    /// hex>:<1-9 digits>`, which always parses) is checked byte by byte; anything else is left to
    /// `ObservationID`'s parser, so the answer is the parser's. (Profiled: the parser's split and
    /// hex decode were ~2 µs of every uncached detail.)
    static func isObservationID(_ id: String) -> Bool {
        var text = id
        let canonical = text.withUTF8 { b -> Bool in
            func digits(_ range: Range<Int>) -> Bool { range.allSatisfy { (0x30...0x39).contains(b[$0]) } }
            guard let first = b.firstIndex(of: UInt8(ascii: ":")), (1...19).contains(first), digits(0..<first) else { return false }
            let hashStart = first + 3, hashEnd = hashStart + 64
            guard hashEnd < b.count, b[first + 1] == UInt8(ascii: "0"), b[first + 2] == UInt8(ascii: "x"), b[hashEnd] == UInt8(ascii: ":"),
                  (hashStart..<hashEnd).allSatisfy({ (0x30...0x39).contains(b[$0]) || (0x61...0x66).contains(b[$0]) })
            else { return false }
            return (1...9).contains(b.count - hashEnd - 1) && digits(hashEnd + 1..<b.count)
        }
        return canonical || ObservationID(id) != nil
    }

    /// The two id forms `/v1/attestations/{id}` takes (the `id` of each list item).
    static let idForms = "id must be <chain_id>:0x<64 hex tx hash>:<log_index> (ethereum_to_koinos) or koinos:0x<68 hex transaction id>:<operation_id> (koinos_to_ethereum)"

    /// Turns query parameters into a store query; every mistake is a 400 naming the parameter.
    static func parseQuery(_ parameters: Parameters) throws -> AttestationQuery {
        var seen = Set<String>()
        for (key, _) in parameters {
            let name = String(key)
            guard listParameters.contains(name) else {
                throw APIError.badRequest("unknown filter '\(name.prefix(60))'; known: \(listParameters.sorted().joined(separator: ", "))")
            }
            guard seen.insert(name).inserted else { throw APIError.badRequest("parameter '\(name)' given twice") }
        }
        var query = AttestationQuery(limit: defaultLimit)
        if let text = parameters.get("limit") {
            guard let limit = Int(text), (1...AttestationQuery.maximumLimit).contains(limit) else {
                throw APIError.badRequest("limit must be an integer in 1...\(AttestationQuery.maximumLimit), got '\(text.prefix(40))'")
            }
            query.limit = limit
        }
        if let text = parameters.get("status") {
            guard let status = AttestationStatus(rawValue: text) else {
                let known = AttestationStatus.allCases.map(\.rawValue).joined(separator: ", ")
                throw APIError.badRequest("status must be one of \(known), got '\(text.prefix(40))'")
            }
            query.status = status
        }
        if let text = parameters.get("token") {
            if text.hasPrefix("0x") {
                guard let bytes = Hex.decode(text, count: 20) else {
                    throw APIError.badRequest("token must be a 0x Ethereum address (40 hex digits) or a base58 Koinos contract id")
                }
                query.ethereumToken = bytes
            } else {
                guard let address = KoinosAddress(text) else {
                    throw APIError.badRequest("token must be a 0x Ethereum address (40 hex digits) or a base58 Koinos contract id")
                }
                query.koinosToken = address.bytes
            }
        }
        if let text = parameters.get("recipient") {
            guard !text.isEmpty, text.utf8.count <= 128 else { throw APIError.badRequest("recipient must be 1 to 128 characters") }
            query.recipient = text
        }
        if let text = parameters.get("source_tx") {
            guard text.hasPrefix("0x"), let bytes = Hex.decode(text, count: 32) else {
                throw APIError.badRequest("source_tx must be 0x followed by 64 hex digits")
            }
            query.sourceTransaction = bytes
        }
        if let text = parameters.get("cursor") {
            guard let cursor = AttestationCursor(text) else { throw APIError.badRequest("cursor is not one this API returned") }
            query.after = cursor
        }
        return query
    }
}

struct AttestationListJSON: Encodable {
    var items: [AttestationJSON]
    var next_cursor: Nullable<String>
    var limit: Int
}

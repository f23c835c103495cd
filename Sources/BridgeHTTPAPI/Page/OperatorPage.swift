// SPDX-License-Identifier: Apache-2.0
import BridgeCore
import BridgeStore
import Foundation
import Hummingbird

/// The operator's page: `GET /` (filters `status`, `cursor`, and the list filters of
/// `/v1/attestations`), `GET /attestations/{id}` and `GET /page.css`.
///
/// Server-rendered HTML, no script, no external asset; every store read goes through the API's
/// gated store. The renderers (`Page/*`) are pure functions of the data read here.
struct OperatorPage {
    let api: InspectionAPI

    func register(on router: Router<BasicRequestContext>) {
        router.get("/") { request, _ in try await home(request.uri.queryParameters) }
        router.get("/attestations/:id") { _, context in try await detail(id: context.parameters.require("id")) }
        router.get("/page.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=300"],
                body: .init(byteBuffer: ByteBuffer(string: PageStyle.css)))
        }
    }

    func home(_ parameters: Parameters) async throws -> Response {
        var query = try AttestationRoutes.parseQuery(parameters)
        if parameters.get("limit") == nil { query.limit = api.page.pageSize }
        if query.after?.isKoinosLock == true { throw APIError.badRequest("this cursor pages /v1/attestations?direction=koinos_to_ethereum") }
        let model = try await load(query)
        let validators = model.validators
        var body = HeaderSection.render(model)
        body += "<main>\n"
        body += AttestationTable.render(model, validatorSet: validators)
        body += KoinosTransferTable.render(model)
        body += ValidatorTable.render(validators, now: model.now, heartbeatIntervalMs: model.settings.heartbeatIntervalMs)
        body += Charts.section(model.overview)
        if !api.governor.isEmpty { body += GovernorSection.render(try await GovernorRoutes.summary(api), now: model.now) }
        body += "</main>\n"
        let html = PageLayout.document(
            title: "bridge-relay \(api.node.version)", refreshSeconds: model.settings.refreshSeconds, attention: !model.attention.isEmpty, body: body)
        return Self.html(html)
    }

    func load(_ query: AttestationQuery) async throws -> HomePageModel {
        let now = api.clock()
        // The two store reads run side by side (the API's gate allows two readers).
        async let overviewRead = api.store.operatorOverview(nowMs: now, completions: api.page.latencySamples, hours: api.page.hours)
        async let listRead = api.store.attestations(query)
        let peers = await api.peers.peers()
        let (overview, list) = try await (overviewRead, listRead)
        // The second direction's newest transfers (its older pages are in the JSON list).
        let koinosLocks = try await api.store.koinosLocks(status: query.status, after: nil, limit: query.limit)
        var readiness: [String: Bool] = ["store": true]
        for check in api.readiness { readiness[check.name] = await check.isReady() }
        let set = await api.currentValidatorSet?() ?? api.validators.map(\.koinosAddress)
        let validators = ValidatorRow.rows(
            set: set, configured: api.validators, heartbeats: overview.heartbeats, peers: peers,
            signaturesLastHour: overview.signaturesLastHour, selfAddress: api.node.validatorAddress)
        return HomePageModel(
            now: now, node: api.node, uptimeMs: PageText.elapsed(now, since: api.startedAtMs), settings: api.page, readiness: readiness,
            peers: peers, heads: await api.chainHeads(), overview: overview, attestations: list, query: query, validators: validators, tokens: TokenNames(api.tokens()),
            koinosLocks: koinosLocks)
    }

    func detail(id rawID: String) async throws -> Response {
        let id = rawID.removingPercentEncoding ?? rawID
        guard ObservationID(id) != nil else {
            return Self.html(Self.message("Bad attestation id", "An id is <chain_id>:0x<64 hex tx hash>:<log_index>; got \(id.prefix(120))."), status: .badRequest)
        }
        guard let record = try await api.store.attestation(id: id) else {
            return Self.html(Self.message("Unknown attestation", "No attestation with id \(id)."), status: .notFound)
        }
        let json = AttestationJSON(record, recovery: api.recovery)
        return Self.html(
            AttestationDetailPage.render(
                json, tokens: TokenNames(api.tokens()), token: record.token, koinosToken: record.koinosToken, now: api.clock(),
                refreshSeconds: api.page.refreshSeconds))
    }

    static func message(_ title: String, _ text: String) -> String {
        PageLayout.document(
            title: title, refreshSeconds: nil, attention: true,
            body: "<header class=\"alert\"><h1>\(escape(title))</h1></header>\n<main><p>\(escape(text))</p><p><a href=\"/\">overview</a></p></main>\n")
    }

    /// An HTML response with the page's Content-Security-Policy.
    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .contentSecurityPolicy: PageLayout.contentSecurityPolicy,
                .xContentTypeOptions: "nosniff",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

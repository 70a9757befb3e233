import Foundation
import GameMetricsHTTP
import GameMetricsKit
import GameMetricsPostgres
import Hummingbird
import Logging
import PostgresNIO

/// `/v1/restores`: load an archived day of the caller's tenant for investigation, list and read
/// the restores, delete one. Creating and deleting needs an admin, reading an operator; every
/// query is scoped to the caller's tenant, so another tenant's restore id is a 404.
struct RestoreController {
    static let maximumPageSize = 1_000

    let restorer: Restorer
    let postgres: PostgresClient
    let logger: Logger

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/restores", use: create)
        router.get("/v1/restores", use: list)
        router.get("/v1/restores/:restoreID", use: show)
        router.delete("/v1/restores/:restoreID", use: delete)
        router.get("/v1/restores/:restoreID/events", use: events)
    }

    struct CreateRequest: Decodable {
        let day: String
    }

    struct Listing: ResponseEncodable {
        let restores: [RestoreSummary]
    }

    struct Page: ResponseEncodable {
        let restoreID: UUID
        let events: [JSONValue]
        let nextAfter: UUID?

        enum CodingKeys: String, CodingKey {
            case events
            case restoreID = "restore_id"
            case nextAfter = "next_after"
        }
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<RestoreSummary> {
        let identity = try context.requireIdentity(.admin)
        let body = try await JSONBody.decode(CreateRequest.self, from: request, context: context)
        guard let day = ArchiveDay(iso: body.day) else {
            throw APIError.badRequest("The day is not a date.", code: "invalid_restore", details: [FieldError(field: "day", reason: "invalid_format", detail: "YYYY-MM-DD")])
        }
        do {
            return EditedResponse(status: .created, response: try await restorer.restore(tenantID: identity.tenantID, day: day, requestedBy: identity.subject))
        } catch is Restorer.NothingArchived {
            throw APIError(.notFound, code: "not_archived", message: "Nothing of the tenant is archived for \(day).")
        }
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing {
        let identity = try context.requireIdentity(.operator)
        let rows = try await postgres.query(
            """
            SELECT \(unescaped: Restorer.summaryColumns) FROM restores WHERE tenant_id = \(identity.tenantID) ORDER BY created_at DESC LIMIT 100
            """, logger: logger)
        var restores: [RestoreSummary] = []
        for try await row in rows { restores.append(try Restorer.summary(row)) }
        return Listing(restores: restores)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> RestoreSummary {
        let identity = try context.requireIdentity(.operator)
        return try await summary(try restoreID(context), tenantID: identity.tenantID)
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity(.admin)
        let id = try restoreID(context)
        let deleted = try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
            let rows = try await connection.answeredStatement(
                "DELETE FROM restores WHERE restore_id = \(id) AND tenant_id = \(identity.tenantID) RETURNING day::text", logger: logger)
            guard let day = try rows.first?.decode(String.self) else { return false }
            try await restorer.audit.record(
                .restoreDeleted, tenantID: identity.tenantID, subject: id.uuidString.lowercased(), actor: identity.subject,
                payload: ["day": .string(day), "reason": .string("deleted")], on: connection)
            return true
        }
        guard deleted else { throw APIError.notFound("No such restore.") }
        return Response(status: .noContent)
    }

    /// The restored events in `event_id` order, `limit` (1–1000, 100) after `after`.
    @Sendable func events(_ request: Request, context: AppRequestContext) async throws -> Page {
        let identity = try context.requireIdentity(.operator)
        let id = try restoreID(context)
        _ = try await summary(id, tenantID: identity.tenantID)
        var problems: [FieldError] = []
        let limitText = request.uri.queryParameters.get("limit") ?? "100"
        let limit = Int(limitText) ?? 0
        if !(1...Self.maximumPageSize).contains(limit) {
            problems.append(FieldError(field: "limit", reason: "out_of_range", detail: "1...\(Self.maximumPageSize)"))
        }
        var after = UUID(uuidString: "00000000-0000-0000-0000-000000000000")!
        if let text = request.uri.queryParameters.get("after") {
            if let parsed = UUID(uuidString: text) { after = parsed } else { problems.append(FieldError(field: "after", reason: "invalid_format", detail: "a UUID")) }
        }
        guard problems.isEmpty else { throw APIError.badRequest("The page is not valid.", code: "invalid_page", details: problems) }
        let rows = try await postgres.withTransactionEndingWithConnection(logger: logger) { connection in
            _ = try await connection.answeredStatement("SELECT set_config('TimeZone', 'UTC', true)", logger: logger)
            return try await connection.answeredStatement(
                """
                SELECT event_id, (to_jsonb(r) - 'restore_id')::text
                  FROM restored_events AS r
                 WHERE restore_id = \(id) AND tenant_id = \(identity.tenantID) AND event_id > \(after)
                 ORDER BY event_id LIMIT \(limit + 1)
                """, logger: logger)
        }
        var events: [JSONValue] = []
        var lastID: UUID?
        for row in rows.prefix(limit) {
            let (eventID, line) = try row.decode((UUID, String).self)
            events.append(try JSONValue(parsing: Array(line.utf8)))
            lastID = eventID
        }
        return Page(restoreID: id, events: events, nextAfter: rows.count > limit ? lastID : nil)
    }

    private func restoreID(_ context: AppRequestContext) throws -> UUID {
        guard let text = context.parameters.get("restoreID"), let id = UUID(uuidString: text) else {
            throw APIError.notFound("No such restore.")
        }
        return id
    }

    private func summary(_ id: UUID, tenantID: String) async throws -> RestoreSummary {
        let rows = try await postgres.query(
            "SELECT \(unescaped: Restorer.summaryColumns) FROM restores WHERE restore_id = \(id) AND tenant_id = \(tenantID)", logger: logger)
        for try await row in rows { return try Restorer.summary(row) }
        throw APIError.notFound("No such restore.")
    }
}

extension RestoreSummary: ResponseEncodable {}

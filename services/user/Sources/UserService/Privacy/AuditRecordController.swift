import Foundation
import GameMetricsAudit
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird

/// `POST /v1/audit/records`: other platform services append records to the one audit log, whose
/// chain key only this service holds (the analytics API records every query a platform admin
/// makes of a tenant's data). Only a client with the `audit-writer` role may call it (401
/// without a token, 403 for any other role, platform-admin included), so no person's token
/// writes records; the stored payload names the calling client in `recorded_by`.
///
/// Bounded per request: the body is read up to ``AuditRecord/maximumBodyBytes`` (413 beyond),
/// parsed once, and appended with one ``AuditLog/append(to:on:tenant:actor:action:subject:payload:key:logger:)``
/// (an advisory lock and the chain's tail by primary key) in a transaction under the record's
/// tenant, as the service's own appends are.
struct AuditRecordController {
    let scope: TenantScope
    /// The current chain key (`GM_AUDIT_HMAC_KEY`), as for every other append.
    let key: AuditChainKey

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("v1/audit/records", use: append)
    }

    struct Appended: ResponseEncodable {
        let seq: Int64
        let hash: String
        let at: String
    }

    @Sendable func append(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Appended> {
        let identity = try context.requireIdentity(.auditWriter)
        try JSONContentType.require(request.headers[.contentType])
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: AuditRecord.maximumBodyBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError(
                .contentTooLarge, code: "body_too_large",
                message: "The request body is larger than \(AuditRecord.maximumBodyBytes) bytes.")
        }
        let record = try AuditRecord.parse(Array(body.readableBytesView))
        let payload = record.storedPayload(recordedBy: identity.clientID ?? identity.subject)
        let key = key
        let logger = scope.logger
        let entry = try await scope.run(tenant: record.tenantID) { connection in
            try await AuditLog.append(
                to: .user, on: connection, tenant: record.tenantID, actor: record.actor, action: record.action, subject: record.subject,
                payload: payload, key: key, logger: logger)
        }
        return EditedResponse(
            status: .created, response: Appended(seq: entry.seq, hash: entry.hash, at: RFC3339Millis.string(entry.at)))
    }
}

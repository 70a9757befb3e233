import CurlHTTP
import Foundation
import GameMetricsKit
import GameMetricsPeers
import HTTPTypes

/// Records in the platform's audit log (the user service's, hash-chained) that a platform-admin
/// read another tenant's analytics. No record, no answer: the read is refused when the user
/// service cannot take the record.
protocol CrossTenantAudit: Sendable {
    func record(_ read: CrossTenantRead) async throws
}

/// One request's reads of one other tenant.
struct CrossTenantRead: Sendable, Equatable {
    var tenant: String
    var actor: String
    var homeTenant: String
    var operationName: String?
    var querySHA256: String
    var fields: [String]
}

/// `POST /v1/audit/records` at the user service, with this service's own client (role `audit-writer`).
struct UserServiceAudit: CrossTenantAudit {
    let baseURL: URL
    let tokens: ServiceTokenProvider
    let http: HTTPClient

    func record(_ read: CrossTenantRead) async throws {
        let bytes = Array(try JSONEncoder().encode(AuditRecord(read)))
        let url = baseURL.appendingPathComponent("v1/audit/records")
        func attempt() async throws -> HTTPResponse.Status {
            let request = HTTPRequest(
                method: .post, url: url, headerFields: [.authorization: "Bearer \(try await tokens.token())", .contentType: "application/json"])
            return try await http.execute(request, body: bytes, timeout: .seconds(3)).response.status
        }
        var status = try await attempt()
        if status == .unauthorized {
            // Our token's signing key was retired: one more try with a new token.
            tokens.invalidate()
            status = try await attempt()
        }
        guard status == .created else {
            throw AnalyticsError(.auditUnavailable, "the audit log did not take the record of this cross-tenant read (status \(status.code)); nothing was read")
        }
    }
}

/// The user service's audit record request body.
private struct AuditRecord: Encodable {
    struct Payload: Encodable {
        var homeTenant: String
        var operation: String
        var querySHA256: String
        var fields: [String]

        enum CodingKeys: String, CodingKey {
            case homeTenant = "home_tenant", operation, querySHA256 = "query_sha256", fields
        }
    }

    var tenantID: String
    var actor: String
    var action = "analytics.cross_tenant_read"
    var subject: String
    var payload: Payload

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", actor, action, subject, payload
    }

    init(_ read: CrossTenantRead) {
        tenantID = read.tenant
        actor = read.actor
        subject = "graphql:" + (read.operationName ?? "anonymous")
        payload = Payload(homeTenant: read.homeTenant, operation: read.operationName ?? "", querySHA256: read.querySHA256, fields: read.fields)
    }
}

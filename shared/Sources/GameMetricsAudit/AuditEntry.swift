import Foundation
import GameMetricsKit

/// One row of an audit chain's table.
public struct AuditEntry: Codable, Sendable, Equatable {
    public var seq: Int64
    public var prevHash: String
    public var hash: String
    public var actor: String
    public var action: String
    public var subject: String
    public var tenantID: String
    public var payload: JSONValue
    public var at: Date

    enum CodingKeys: String, CodingKey {
        case seq, hash, actor, action, subject, payload, at
        case prevHash = "prev_hash"
        case tenantID = "tenant_id"
    }

    public init(
        seq: Int64, prevHash: String, hash: String, actor: String, action: String, subject: String, tenantID: String,
        payload: JSONValue, at: Date
    ) {
        self.seq = seq
        self.prevHash = prevHash
        self.hash = hash
        self.actor = actor
        self.action = action
        self.subject = subject
        self.tenantID = tenantID
        self.payload = payload
        self.at = at
    }
}

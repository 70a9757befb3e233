/// Who is calling, as established by a verified credential: every read and write is scoped to
/// `tenantID`, never to a tenant named in the request body.
public struct Identity: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable, CaseIterable {
        case viewer, `operator`, admin
        case platformAdmin = "platform-admin"
        /// The ingestion service's client: resolves write keys and reads tenants' rate limits at
        /// the user service, nothing else. Outside the viewer < operator < admin order, so a
        /// stolen ingestion secret reads no tenant's data and administers nothing.
        case ingestion
        /// A platform service's client that appends records to the user service's audit log
        /// (`POST /v1/audit/records`; today the analytics API's, for every cross-tenant query)
        /// and does nothing else. Outside the viewer < operator < admin order, and *not* implied
        /// by platform-admin: the records it writes say who acted, and a person's token must not
        /// be able to write them, so a person cannot forge audit records through that route. A
        /// stolen secret of such a client adds records (each marked with the client's id) but
        /// reads, changes or removes nothing.
        case auditWriter = "audit-writer"
    }

    /// The roles a person (an operator account) may hold; the others are for service clients.
    public static let operatorRoles: Set<Role> = [.viewer, .operator, .admin, .platformAdmin]

    public let tenantID: String
    /// The operator's id or the service client's id.
    public let subject: String
    public let roles: Set<Role>
    public let clientID: String?

    public init(tenantID: String, subject: String, roles: Set<Role>, clientID: String? = nil) {
        self.tenantID = tenantID
        self.subject = subject
        self.roles = roles
        self.clientID = clientID
    }

    /// Roles are ordered: admin can do what operator can, operator what viewer can; platform-admin
    /// can also do what the ingestion role can. Only `audit-writer` itself holds `audit-writer`.
    public func has(_ role: Role) -> Bool {
        switch role {
        case .viewer: !roles.isDisjoint(with: Self.operatorRoles)
        case .operator: roles.contains(.operator) || roles.contains(.admin) || roles.contains(.platformAdmin)
        case .admin: roles.contains(.admin) || roles.contains(.platformAdmin)
        case .platformAdmin: roles.contains(.platformAdmin)
        case .ingestion: roles.contains(.ingestion) || roles.contains(.platformAdmin)
        case .auditWriter: roles.contains(.auditWriter)
        }
    }
}

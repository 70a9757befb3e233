/// Who is calling, as established by a verified credential: every read and write is scoped to
/// `tenantID`, never to a tenant named in the request body.
public struct Identity: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable, CaseIterable {
        case viewer, `operator`, admin
        case platformAdmin = "platform-admin"
    }

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

    /// Roles are ordered: admin can do what operator can, operator what viewer can.
    public func has(_ role: Role) -> Bool {
        switch role {
        case .viewer: !roles.isEmpty
        case .operator: roles.contains(.operator) || roles.contains(.admin) || roles.contains(.platformAdmin)
        case .admin: roles.contains(.admin) || roles.contains(.platformAdmin)
        case .platformAdmin: roles.contains(.platformAdmin)
        }
    }
}

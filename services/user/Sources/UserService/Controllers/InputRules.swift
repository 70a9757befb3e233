import GameMetricsHTTP
import GameMetricsKit

/// The rules for names and role lists wherever they are created (tenants, service clients,
/// public OAuth clients, write keys, operators), so every endpoint refuses the same things with
/// the same reasons.
enum InputRules {
    /// The longest name, in characters.
    static let maximumNameLength = 200

    /// `invalid_character` (the reason the platform's JSON decoder gives for U+0000 too; checked
    /// first: a name that cannot be shown safely is refused whatever its length) or
    /// `invalid_length` for 0 or more than `maximum` characters; nil when fine.
    static func nameProblem(_ name: String, maximum: Int = maximumNameLength) -> String? {
        if containsControlCharacter(name) { return "invalid_character" }
        if name.isEmpty || name.count > maximum { return "invalid_length" }
        return nil
    }

    /// C0 and C1 controls (U+0000–U+001F, U+007F–U+009F: U+0000 cannot even be stored in a
    /// PostgreSQL text column, the others rewrite terminals and logs), the line and paragraph
    /// separators, and the bidirectional embeddings, overrides and isolates that make a name
    /// display as something it is not.
    static func containsControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            scalar.properties.generalCategory == .control
                || (0x2028...0x2029).contains(scalar.value)
                || (0x202A...0x202E).contains(scalar.value)
                || (0x2066...0x2069).contains(scalar.value)
        }
    }

    /// `required` (no role), `unknown_role` (a role not in `allowed`, compared exactly) or
    /// `duplicate_role` (a role listed twice); nil when fine.
    static func rolesProblem(_ roles: [String], allowed: Set<Identity.Role>) -> String? {
        if roles.isEmpty { return "required" }
        if roles.contains(where: { Identity.Role(rawValue: $0).map(allowed.contains) != true }) { return "unknown_role" }
        if Set(roles).count != roles.count { return "duplicate_role" }
        return nil
    }

    /// Nobody hands out more than they hold: a well-formed role list naming a role the caller
    /// does not hold is refused with 403 (a matter of permission, not of the request's shape),
    /// code `exceeds_caller`, naming the field `roles`. The one exception: platform admins give
    /// `audit-writer` to a service's client without holding it (nobody holds it but such
    /// clients, so that no person's token can write audit records).
    static func requireHeld(_ roles: [String], by identity: Identity) throws {
        guard roles.compactMap(Identity.Role.init(rawValue:)).contains(where: { !mayGive($0, identity) }) else { return }
        throw APIError(
            .forbidden, code: "exceeds_caller", message: "A role can be given only by a caller who holds it.",
            details: [FieldError(field: "roles", reason: "exceeds_caller")])
    }

    private static func mayGive(_ role: Identity.Role, _ identity: Identity) -> Bool {
        identity.has(role) || (role == .auditWriter && identity.has(.platformAdmin))
    }
}

import GameMetricsPostgres
import GameMetricsService

extension UserMigrations {
    /// The database half of `InputRules`, so a writer that bypasses the API (a seed command, a
    /// future endpoint) cannot store a name with control characters or a client with an unknown
    /// role either. NOT VALID: rows written before are not rechecked (the API refused most of
    /// them already), new and updated rows are.
    static let nameRules: [Migration] = [
        Migration(
            version: 13, name: "names_without_control_characters_known_client_roles",
            statements: [
                "ALTER TABLE tenants ADD CONSTRAINT tenants_name_printable CHECK (\(printable("name"))) NOT VALID",
                "ALTER TABLE service_clients ADD CONSTRAINT service_clients_name_printable CHECK (\(printable("name"))) NOT VALID",
                "ALTER TABLE write_keys ADD CONSTRAINT write_keys_name_printable CHECK (\(printable("name"))) NOT VALID",
                "ALTER TABLE oauth_public_clients ADD CONSTRAINT oauth_public_clients_name_printable CHECK (\(printable("name"))) NOT VALID",
                "ALTER TABLE operators ADD CONSTRAINT operators_email_printable CHECK (\(printable("email"))) NOT VALID",
                """
                ALTER TABLE service_clients ADD CONSTRAINT service_clients_roles_known CHECK (cardinality(roles) > 0
                    AND roles <@ ARRAY['viewer', 'operator', 'admin', 'platform-admin', 'ingestion']::text[]) NOT VALID
                """,
            ])
    ]

    /// C0/C1 controls, U+2028/U+2029 and the bidirectional controls, as `InputRules` refuses them
    /// (U+0000 cannot be in a text value at all).
    private static func printable(_ column: String) -> String {
        #"\#(column) !~ '[\x01-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]'"#
    }
}

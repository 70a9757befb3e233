import Foundation
import GameMetricsAuth
import GameMetricsKit
import GameMetricsTesting
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import UserService

/// Names end up in dashboards, logs and audit exports: control characters (U+0000 included,
/// which PostgreSQL cannot store at all) and invisible direction overrides are refused where a
/// name is created, with the field and the reason; roles are refused when unknown or repeated.
@Suite("names with control characters and duplicate or unknown roles are refused with 400 naming the field")
struct NameAndRoleValidationTests {
    /// JSON string escapes for: NUL, BEL, ESC, newline, DEL, C1 NEL, RIGHT-TO-LEFT OVERRIDE, LINE SEPARATOR.
    static let controls = [#"\u0000"#, #"\u0007"#, #"\u001b[31m"#, #"\n"#, #"\u007f"#, #"\u0085"#, #"\u202e"#, #"\u2028"#]

    @Test("tenant, client, write key, public client and operator names with a control character answer 400 with field and reason")
    func controlCharactersInNames() async throws {
        try await UserServiceFixture.run { fixture, client in
            let platform = try await client.accessToken(fixture.platform)
            let admin = try await client.accessToken(fixture.tenantA)
            for (index, control) in Self.controls.enumerated() {
                let name = "Bad\(control)Name"
                for (token, path, json, field) in [
                    (platform, "/v1/tenants", #"{"id":"tenant-c\#(index)","name":"\#(name)"}"#, "name"),
                    (admin, "/v1/clients", #"{"name":"\#(name)","roles":["viewer"]}"#, "name"),
                    (admin, "/v1/write-keys", #"{"name":"\#(name)"}"#, "name"),
                    (platform, "/v1/oauth-clients", #"{"client_id":"c\#(index)","name":"\#(name)","redirect_uris":["https://x.test/cb"]}"#, "name"),
                    (admin, "/v1/operators", #"{"email":"a\#(control)@b.test","password":"long enough password","roles":["viewer"]}"#, "email"),
                ] {
                    let (status, body) = try await client.call(.post, path, token: token, json: json)
                    #expect(status == .badRequest, "\(path) with \(control): \(status) \(body)")
                    let reason = ServiceClientScopeTests.reasons(body)[field]
                    #expect(reason == "invalid_character", "\(path) with \(control): \(body)")
                }
            }
            // Nothing was stored: the tenant admin's lists are as before.
            #expect((try await client.call(.get, "/v1/write-keys", token: admin).body["write_keys"] as? [Any])?.isEmpty == true)
            #expect((try await client.call(.get, "/v1/clients", token: admin).body["clients"] as? [Any])?.count == 1)
            #expect(try await fixture.count("SELECT count(*)::int FROM tenants") == 3)
        }
    }

    @Test("ordinary names with accents, emoji and spaces are still accepted")
    func printableNamesAreAccepted() async throws {
        try await UserServiceFixture.run { fixture, client in
            let admin = try await client.accessToken(fixture.tenantA)
            let (status, body) = try await client.call(.post, "/v1/clients", token: admin, json: #"{"name":"Jeux Événement 🎰 – prod","roles":["viewer"]}"#)
            #expect(status == .created, "\(body)")
            #expect(try await client.call(.post, "/v1/write-keys", token: admin, json: #"{"name":"Café ☕ web"}"#).status == .created)
        }
    }

    @Test("duplicate and unknown roles for clients and operators answer 400 with field roles and a reason")
    func duplicateAndUnknownRoles() async throws {
        try await UserServiceFixture.run { fixture, client in
            let admin = try await client.accessToken(fixture.tenantA)
            for (roles, reason) in [
                (#"["operator","operator"]"#, "duplicate_role"),
                (#"["viewer","admin","viewer"]"#, "duplicate_role"),
                (#"["operator","root"]"#, "unknown_role"),
                (#"["Admin"]"#, "unknown_role"),
                (#"[]"#, "required"),
            ] {
                let made = try await client.call(.post, "/v1/clients", token: admin, json: #"{"name":"c","roles":\#(roles)}"#)
                #expect(made.status == .badRequest, "client roles \(roles): \(made.body)")
                #expect(ServiceClientScopeTests.reasons(made.body)["roles"] == reason, "client roles \(roles): \(made.body)")
                let person = try await client.call(
                    .post, "/v1/operators", token: admin, json: #"{"email":"p@b.test","password":"long enough password","roles":\#(roles)}"#)
                #expect(person.status == .badRequest, "operator roles \(roles): \(person.body)")
                #expect(ServiceClientScopeTests.reasons(person.body)["roles"] == reason, "operator roles \(roles): \(person.body)")
            }
            #expect(try await fixture.count("SELECT count(*)::int FROM service_clients WHERE tenant_id = 'tenant-a'") == 1)
        }
    }

    @Test("the database itself refuses control characters in names and unknown client roles from writers that bypass the API")
    func databaseRefusesWhatTheAPIRefuses() async throws {
        try await UserServiceFixture.run { fixture, _ in
            for statement: PostgresQuery in [
                "INSERT INTO tenants (id, name) VALUES ('tenant-esc', E'Bad\\u001b[31mName')",
                "INSERT INTO tenants (id, name) VALUES ('tenant-rlo', E'Bad\\u202EName')",
                "INSERT INTO service_clients (client_id, tenant_id, name, secret_hash, roles) VALUES ('c1', 'tenant-a', E'a\\nb', 'x', ARRAY['viewer'])",
                "INSERT INTO service_clients (client_id, tenant_id, name, secret_hash, roles) VALUES ('c2', 'tenant-a', 'ok', 'x', ARRAY['root'])",
                "INSERT INTO service_clients (client_id, tenant_id, name, secret_hash, roles) VALUES ('c3', 'tenant-a', 'ok', 'x', ARRAY[]::text[])",
                "INSERT INTO oauth_public_clients (client_id, name, redirect_uris) VALUES ('pc', E'a\\u0085b', ARRAY['https://x.test/cb'])",
            ] {
                await #expect(throws: (any Error).self, "\(statement.sql)") {
                    _ = try await fixture.count(statement)
                }
            }
            let tenants = try await fixture.count("SELECT count(*)::int FROM tenants")
            #expect(tenants == 3)
        }
    }
}

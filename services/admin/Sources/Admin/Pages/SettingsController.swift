import Foundation
import GameMetricsHTTP
import Hummingbird

/// `GET /settings` (admins only): the tenant's ingestion write keys (create: the key is shown once;
/// revoke) and its operators (create with roles). Every change is a form post with the form token.
struct SettingsController: Sendable {
    let pages: ConsolePages
    let users: UserDirectory

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("settings", use: page)
        router.post("settings/write-keys", use: createWriteKey)
        router.post("settings/write-keys/:id/revoke", use: revokeWriteKey)
        router.post("settings/operators", use: createOperator)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await admin(request) { signedIn in try await render(signedIn, context, notice: nil) }
    }

    @Sendable func createWriteKey(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await admin(request) { signedIn in
            let fields = try await pages.access.form(request, of: signedIn)
            let name = (fields["name"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { return try await render(signedIn, context, notice: .problem("Give the write key a name.")) }
            do {
                let created = try await users.createWriteKey(name: name, as: OperatorCall(signedIn, context))
                return try await render(signedIn, context, notice: .created(name: created.writeKey.name, key: created.key))
            } catch let error as UpstreamError where error.isRefusal {
                return try await render(signedIn, context, notice: .problem(error.message))
            }
        }
    }

    @Sendable func revokeWriteKey(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await admin(request) { signedIn in
            _ = try await pages.access.form(request, of: signedIn)
            let id = try context.parameters.require("id")
            do {
                try await users.revokeWriteKey(id: id, as: OperatorCall(signedIn, context))
                return try await render(signedIn, context, notice: .done("Write key revoked. Ingestion refuses it within its revocation time (see the ingestion README)."))
            } catch let error as UpstreamError where error.isRefusal {
                return try await render(signedIn, context, notice: .problem(error.message))
            }
        }
    }

    @Sendable func createOperator(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await admin(request) { signedIn in
            let fields = try await pages.access.form(request, of: signedIn)
            let roles = ["viewer", "operator", "admin"].filter { fields["role_\($0)"] == "on" }
            guard let email = fields["email"], !email.isEmpty, let password = fields["password"], !password.isEmpty, !roles.isEmpty else {
                return try await render(signedIn, context, notice: .problem("An operator needs an email, a password and at least one role."))
            }
            do {
                let created = try await users.createOperator(email: email, password: password, roles: roles, as: OperatorCall(signedIn, context))
                return try await render(signedIn, context, notice: .done("Operator \(created.email) created with roles \(created.roles.joined(separator: ", "))."))
            } catch let error as UpstreamError where error.isRefusal {
                return try await render(signedIn, context, notice: .problem(error.message))
            }
        }
    }

    /// Settings are for admins: others get a page saying so (the user service refuses them too).
    private func admin(_ request: Request, _ body: @escaping (SignedIn) async throws -> Response) async throws -> Response {
        try await pages.page(request) { signedIn in
            guard signedIn.session.isAdmin else {
                throw ConsolePageError.forbidden("Settings need the admin role; this login has \(signedIn.session.roles.sorted().joined(separator: ", ")).")
            }
            return try await body(signedIn)
        }
    }

    private func render(_ signedIn: SignedIn, _ context: AppRequestContext, notice: SettingsPage.Notice?) async throws -> Response {
        let caller = OperatorCall(signedIn, context)
        async let keys = users.writeKeys(as: caller)
        async let operators = users.operators(as: caller)
        let content = SettingsPage(keys: try await keys, operators: try await operators, notice: notice, csrfToken: signedIn.session.csrfToken)
        return pages.renderer.page("settings", frame: .signedIn(signedIn.session, title: "Settings", current: "/settings"), content: content)
    }
}

/// The settings page as the template shows it.
struct SettingsPage: Sendable {
    enum Notice: Sendable {
        case created(name: String, key: String)
        case done(String)
        case problem(String)
    }
    struct KeyRow: Sendable {
        let id: String
        let name: String
        let hint: String
        let created: String
        let revoked: String?
        let active: Bool
    }
    struct OperatorRow: Sendable {
        let email: String
        let roles: String
        let created: String
    }

    let keys: [KeyRow]
    let operators: [OperatorRow]
    let newKey: String?
    let newKeyName: String?
    let done: String?
    let problem: String?
    let csrfToken: String

    init(keys: [UserDirectory.WriteKey], operators: [UserDirectory.Operator], notice: Notice?, csrfToken: String) {
        self.keys = keys.map {
            KeyRow(id: $0.id, name: $0.name, hint: $0.hint, created: $0.createdAt, revoked: $0.revokedAt, active: $0.revokedAt == nil)
        }
        self.operators = operators.map { OperatorRow(email: $0.email, roles: $0.roles.joined(separator: ", "), created: $0.createdAt) }
        self.csrfToken = csrfToken
        switch notice {
        case .created(let name, let key): (newKey, newKeyName, done, problem) = (key, name, nil, nil)
        case .done(let text): (newKey, newKeyName, done, problem) = (nil, nil, text, nil)
        case .problem(let text): (newKey, newKeyName, done, problem) = (nil, nil, nil, text)
        case nil: (newKey, newKeyName, done, problem) = (nil, nil, nil, nil)
        }
    }
}

extension UpstreamError {
    /// The service refused the request (4xx): the operator can correct it.
    var isRefusal: Bool {
        if case .refused = kind { return true }
        return false
    }
}

import Foundation
import GameMetricsHTTP
import Hummingbird
import NIOCore

/// Players: search (`GET /players?q=`), a player's profile and activity (`GET /players/<id>`),
/// the GDPR export as a download, and erasure (admins only) in two steps: a confirmation page
/// that asks for the player id again, then the request, whose progress across every
/// participating service `GET /erasures/<request id>` shows live.
struct PlayersController: Sendable {
    let pages: ConsolePages
    let users: UserDirectory
    let analytics: AnalyticsQueries

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("players", use: search)
        router.get("players/:id", use: profile)
        router.get("players/:id/export", use: export)
        router.post("players/:id/erasure", use: erase)
        router.get("erasures/:request", use: erasure)
        router.get("erasures/:request/status.json", use: erasureJSON)
    }

    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await pages.page(request) { signedIn in
            let query = (request.uri.queryParameters.get("q") ?? "").trimmingCharacters(in: .whitespaces)
            var content = PlayerSearchPage(query: query, results: [], searched: !query.isEmpty)
            if !query.isEmpty {
                content = PlayerSearchPage(
                    query: query, results: try await users.searchPlayers(String(query.prefix(128)), as: OperatorCall(signedIn, context)), searched: true)
            }
            return pages.renderer.page("players", frame: .signedIn(signedIn.session, title: "Players", current: "/players"), content: content)
        }
    }

    @Sendable func profile(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await pages.page(request) { signedIn in
            let id = try context.parameters.require("id")
            let caller = OperatorCall(signedIn, context)
            struct Variables: Encodable { let playerId: String }
            async let player = users.player(id, as: caller)
            async let activity = analytics.run(.playerActivity, Variables(playerId: id), as: PlayerActivityAnswer.self, for: caller)
            let profile = try await player
            let summary = try? await activity
            guard profile != nil || summary?.player != nil else { throw ConsolePageError.notFound("No player \(id) in this tenant.") }
            let content = PlayerPage(
                id: id, profile: profile, activity: summary?.player, activityUnavailable: summary == nil, canErase: signedIn.session.isAdmin,
                confirming: false, csrfToken: signedIn.session.csrfToken, problem: nil)
            return pages.renderer.page("player", frame: .signedIn(signedIn.session, title: "Player \(id)", current: "/players"), content: content)
        }
    }

    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await pages.page(request) { signedIn in
            let id = try context.parameters.require("id")
            let bytes = try await users.export(id, as: OperatorCall(signedIn, context))
            var headers = PageRenderer.securityHeaders
            headers[.contentType] = "application/json"
            headers[.contentDisposition] = "attachment; filename=\"player-export-\(UserDirectory.segment(id)).json\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    /// The first post shows the confirmation; the second, with the player id typed again, erases.
    @Sendable func erase(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await pages.page(request) { signedIn in
            let fields = try await pages.access.form(request, of: signedIn)
            let id = try context.parameters.require("id")
            guard signedIn.session.isAdmin else {
                throw ConsolePageError.forbidden("Erasure needs the admin role; this login has \(signedIn.session.roles.sorted().joined(separator: ", ")).")
            }
            let frame = PageFrame.signedIn(signedIn.session, title: "Erase player \(id)", current: "/players")
            guard let typed = fields["confirm_player_id"] else {
                let content = PlayerPage(
                    id: id, profile: nil, activity: nil, activityUnavailable: false, canErase: true, confirming: true, csrfToken: signedIn.session.csrfToken,
                    problem: nil)
                return pages.renderer.page("player", frame: frame, content: content)
            }
            guard typed == id else {
                let content = PlayerPage(
                    id: id, profile: nil, activity: nil, activityUnavailable: false, canErase: true, confirming: true, csrfToken: signedIn.session.csrfToken,
                    problem: "The id typed does not match; nothing was erased.")
                return pages.renderer.page("player", frame: frame, content: content, status: .badRequest)
            }
            let requestID = try await users.requestErasure(id, as: OperatorCall(signedIn, context))
            return ConsolePages.redirect(to: "/erasures/\(UserDirectory.segment(requestID))")
        }
    }

    @Sendable func erasure(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await pages.page(request) { signedIn in
            let requestID = try context.parameters.require("request")
            guard let status = try await users.erasure(requestID, as: OperatorCall(signedIn, context)) else {
                throw ConsolePageError.notFound("No erasure request \(requestID) in this tenant.")
            }
            let frame = PageFrame.signedIn(signedIn.session, title: "Erasure", current: "/players", script: "erasure.js")
            return pages.renderer.page("erasure", frame: frame, content: ErasurePage(status))
        }
    }

    @Sendable func erasureJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let signedIn = try? await pages.access.session(request) else {
            return ConsolePages.signedOutJSON
        }
        let requestID = try context.parameters.require("request")
        guard let status = try await users.erasure(requestID, as: OperatorCall(signedIn, context)) else { throw HTTPError(.notFound) }
        var headers = PageRenderer.securityHeaders
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(status))))
    }
}

struct PlayerActivityAnswer: Decodable, Sendable {
    struct Activity: Decodable, Sendable {
        let firstSeenAt: String
        let lastSeenAt: String
        let lastEventType: String
        let lastGameId: String?
        let events: Double
        let sessions: Double
        let rounds: Double
        let activeDaysLast30: Int
        let gamesLast30: Int
    }
    let player: Activity?
}

struct PlayerSearchPage: Sendable {
    struct Row: Sendable {
        let id: String
        let href: String
        let name: String
        let country: String
    }
    let query: String
    let results: [Row]
    let searched: Bool
    let noResults: Bool
    let hasResults: Bool

    init(query: String, results: [UserDirectory.Player], searched: Bool) {
        self.query = query
        self.results = results.map { Row(id: $0.playerId, href: "/players/\(UserDirectory.segment($0.playerId))", name: $0.displayName ?? "", country: $0.country ?? "") }
        self.searched = searched
        noResults = searched && results.isEmpty
        hasResults = !results.isEmpty
    }
}

struct PlayerPage: Sendable {
    let id: String
    let path: String
    let displayName: String?
    let email: String?
    let country: String?
    let hasProfile: Bool
    let firstSeen: String?
    let lastSeen: String?
    let lastEvent: String?
    let events: String?
    let sessions: String?
    let rounds: String?
    let activeDays: Int?
    let hasActivity: Bool
    let activityUnavailable: Bool
    let canErase: Bool
    let confirming: Bool
    let csrfToken: String
    let problem: String?

    init(
        id: String, profile: UserDirectory.Player?, activity: PlayerActivityAnswer.Activity?, activityUnavailable: Bool, canErase: Bool, confirming: Bool,
        csrfToken: String, problem: String?
    ) {
        self.id = id
        path = "/players/\(UserDirectory.segment(id))"
        displayName = profile?.displayName
        email = profile?.email
        country = profile?.country
        hasProfile = profile != nil
        firstSeen = activity?.firstSeenAt
        lastSeen = activity?.lastSeenAt
        lastEvent = activity.map { $0.lastEventType + ($0.lastGameId.map { " in \($0)" } ?? "") }
        events = activity.map { Formatting.count($0.events) }
        sessions = activity.map { Formatting.count($0.sessions) }
        rounds = activity.map { Formatting.count($0.rounds) }
        activeDays = activity?.activeDaysLast30
        hasActivity = activity != nil
        self.activityUnavailable = activityUnavailable
        self.canErase = canErase
        self.confirming = confirming
        self.csrfToken = csrfToken
        self.problem = problem
    }
}

struct ErasurePage: Sendable {
    struct Row: Sendable {
        let service: String
        let status: String
        let completedAt: String
    }
    let requestID: String
    let playerID: String
    let status: String
    let requestedAt: String
    let completedAt: String
    let totalMs: String
    let services: [Row]
    let pending: Bool

    init(_ status: UserDirectory.ErasureStatus) {
        requestID = status.requestId
        playerID = status.playerId ?? ""
        self.status = status.status
        requestedAt = status.requestedAt
        completedAt = status.completedAt ?? "—"
        totalMs = status.totalMs.map { "\(Formatting.count(Double($0))) ms" } ?? "—"
        services = status.services.map { Row(service: $0.service, status: $0.status, completedAt: $0.completedAt ?? "—") }
        pending = status.status == "pending"
    }
}

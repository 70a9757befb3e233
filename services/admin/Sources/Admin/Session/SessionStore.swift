import Foundation
import GameMetricsAuth
import Redis

/// Sessions and pending logins in Redis: the console keeps no other state. Keys hold the SHA-256
/// of the browser's id, never the id itself, so a Redis dump or `MONITOR` reveals no cookie.
struct SessionStore: Sendable {
    let redis: RedisClient
    let idle: Duration
    let maximum: Duration
    static let prefix = "gm:admin:"
    /// A login started must come back from the user service within this.
    static let loginLifetime: Duration = .seconds(600)

    /// A pending login: what the callback needs to redeem the code.
    struct PendingLogin: Codable, Sendable {
        var verifier: String
        /// The console path to return to afterwards (checked to be local by ``LocalPath``).
        var returnTo: String
    }

    /// Stores `session` under a new random id and returns the id (the cookie's value).
    func create(_ session: ConsoleSession) async throws -> String {
        let id = OpaqueToken.generate(bytes: 32)
        try await save(session, id: id)
        return id
    }

    /// The session of `id`, its idle timer restarted; nil when unknown, idle too long or too old.
    func session(id: String, now: Date = Date()) async throws -> ConsoleSession? {
        let key = Self.sessionKey(id)
        guard let bytes = try await redis.getBytes(key), let session = try? JSONDecoder().decode(ConsoleSession.self, from: Data(bytes)) else {
            return nil
        }
        guard let lifetime = lifetime(of: session, now: now) else {
            _ = try await redis.delete(key)
            return nil
        }
        _ = try await redis.expire(key, after: lifetime)
        return session
    }

    func save(_ session: ConsoleSession, id: String, now: Date = Date()) async throws {
        guard let lifetime = lifetime(of: session, now: now) else { return }
        try await redis.set(Self.sessionKey(id), Array(try JSONEncoder().encode(session)), ttl: lifetime)
    }

    func delete(id: String) async throws {
        _ = try await redis.delete(Self.sessionKey(id))
    }

    /// Records a login about to start; `state` goes to the user service and comes back.
    func begin(_ login: PendingLogin, state: String) async throws {
        try await redis.set(Self.loginKey(state), Array(try JSONEncoder().encode(login)), ttl: Self.loginLifetime)
    }

    /// The pending login of `state`, once: a replayed callback finds nothing.
    func finish(state: String) async throws -> PendingLogin? {
        let reply = try await redis.execute(["GETDEL", Self.loginKey(state)])
        guard let bytes = reply.bytes else { return nil }
        return try? JSONDecoder().decode(PendingLogin.self, from: Data(bytes))
    }

    /// How long `session` may live from `now`: the idle time, cut at its maximum age.
    private func lifetime(of session: ConsoleSession, now: Date) -> Duration? {
        let left = session.createdAt.addingTimeInterval(Self.seconds(maximum)).timeIntervalSince(now)
        guard left >= 1 else { return nil }
        return min(idle, .seconds(Int(left)))
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        TimeInterval(duration.components.seconds)
    }

    static func sessionKey(_ id: String) -> String { "\(prefix)session:\(OpaqueToken.fingerprint(id))" }
    static func loginKey(_ state: String) -> String { "\(prefix)login:\(OpaqueToken.fingerprint(state))" }
}

import Foundation
import HTTPTypes

/// The user service's tenant APIs, with the operator's token: players, GDPR export and erasure,
/// write keys, operators. The user service enforces every role; the console only hides what a
/// role cannot do.
struct UserDirectory: Sendable {
    let calls: UpstreamCalls
    let baseURL: URL
    static let service = "user"

    struct WriteKey: Decodable, Sendable {
        let id: String
        let name: String
        let hint: String
        let createdAt: String
        let revokedAt: String?
    }

    struct NewWriteKey: Decodable, Sendable {
        let writeKey: WriteKey
        let key: String
    }

    struct Operator: Decodable, Sendable {
        let id: String
        let email: String
        let roles: [String]
        let createdAt: String
        let disabledAt: String?
    }

    struct Player: Decodable, Sendable {
        let playerId: String
        let displayName: String?
        let email: String?
        let country: String?
        let createdAt: String
    }

    struct ErasureStatus: Codable, Sendable {
        struct Service: Codable, Sendable {
            let service: String
            let status: String
            let completedAt: String?
        }
        let requestId: String
        let playerId: String?
        let status: String
        let requestedAt: String
        let completedAt: String?
        let totalMs: Int?
        let services: [Service]
    }

    private struct Refusal: Decodable {
        struct Body: Decodable { let message: String }
        let error: Body
    }

    func writeKeys(as caller: OperatorCall) async throws -> [WriteKey] {
        struct List: Decodable { let writeKeys: [WriteKey] }
        return try await read(List.self, "v1/write-keys", as: caller).writeKeys
    }

    func createWriteKey(name: String, as caller: OperatorCall) async throws -> NewWriteKey {
        try await write(NewWriteKey.self, .post, "v1/write-keys", body: ["name": name], as: caller)
    }

    func revokeWriteKey(id: String, as caller: OperatorCall) async throws {
        _ = try await send(.delete, "v1/write-keys/\(Self.segment(id))", body: nil, as: caller)
    }

    func operators(as caller: OperatorCall) async throws -> [Operator] {
        struct List: Decodable { let operators: [Operator] }
        return try await read(List.self, "v1/operators", as: caller).operators
    }

    func createOperator(email: String, password: String, roles: [String], as caller: OperatorCall) async throws -> Operator {
        struct Body: Encodable {
            let email: String
            let password: String
            let roles: [String]
        }
        return try await write(Operator.self, .post, "v1/operators", body: Body(email: email, password: password, roles: roles), as: caller)
    }

    /// Players whose id, or else whose display name, starts with `text`.
    func searchPlayers(_ text: String, as caller: OperatorCall) async throws -> [Player] {
        struct List: Decodable { let players: [Player] }
        let byID = try await read(List.self, "v1/players", query: [("prefix", text), ("limit", "25")], as: caller).players
        guard byID.isEmpty else { return byID }
        return try await read(List.self, "v1/players", query: [("name", text), ("limit", "25")], as: caller).players
    }

    /// The player's profile; nil when the user service has none (it may still have data elsewhere).
    func player(_ id: String, as caller: OperatorCall) async throws -> Player? {
        let (status, body) = try await send(.get, "v1/players/\(Self.segment(id))", body: nil, as: caller)
        if status == 404 { return nil }
        return try decode(Player.self, status: status, body: body)
    }

    /// The GDPR export's JSON, as the user service wrote it.
    func export(_ id: String, as caller: OperatorCall) async throws -> [UInt8] {
        let (status, body) = try await send(.get, "v1/players/\(Self.segment(id))/export", body: nil, as: caller)
        guard status == 200 else { throw refusal(status: status, body: body) }
        return body
    }

    func requestErasure(_ id: String, as caller: OperatorCall) async throws -> String {
        struct Accepted: Decodable { let requestId: String }
        return try await write(Accepted.self, .post, "v1/privacy/erasure", body: ["player_id": id], as: caller).requestId
    }

    func erasure(_ requestID: String, as caller: OperatorCall) async throws -> ErasureStatus? {
        let (status, body) = try await send(.get, "v1/privacy/erasure/\(Self.segment(requestID))", body: nil, as: caller)
        if status == 404 { return nil }
        return try decode(ErasureStatus.self, status: status, body: body)
    }

    // MARK: - Plumbing

    private func read<Answer: Decodable>(_ type: Answer.Type, _ path: String, query: [(String, String)] = [], as caller: OperatorCall) async throws -> Answer {
        let (status, body) = try await send(.get, path, query: query, body: nil, as: caller)
        return try decode(type, status: status, body: body)
    }

    private func write<Answer: Decodable>(
        _ type: Answer.Type, _ method: HTTPRequest.Method, _ path: String, body: some Encodable, as caller: OperatorCall
    ) async throws -> Answer {
        let (status, answer) = try await send(method, path, body: Array(try JSONEncoder().encode(body)), as: caller)
        return try decode(type, status: status, body: answer)
    }

    private func send(
        _ method: HTTPRequest.Method, _ path: String, query: [(String, String)] = [], body: [UInt8]?, as caller: OperatorCall
    ) async throws -> (Int, [UInt8]) {
        var components = URLComponents(url: baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        return try await calls.send(method, components.url!, service: Self.service, token: caller.token, json: body, trace: caller.trace)
    }

    private func decode<Answer: Decodable>(_ type: Answer.Type, status: Int, body: [UInt8]) throws -> Answer {
        guard (200..<300).contains(status) else { throw refusal(status: status, body: body) }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let answer = try? decoder.decode(type, from: Data(body)) else {
            throw UpstreamError(service: Self.service, kind: .unavailable, message: "the user service's answer is not what its API documents")
        }
        return answer
    }

    /// A 4xx as the user service explained it.
    private func refusal(status: Int, body: [UInt8]) -> UpstreamError {
        let message = (try? JSONDecoder().decode(Refusal.self, from: Data(body)))?.error.message ?? "the user service answered \(status)"
        return UpstreamError(service: Self.service, kind: .refused(status: status), message: message)
    }

    /// A path segment: everything but unreserved characters percent-encoded (player ids are free text).
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }
}

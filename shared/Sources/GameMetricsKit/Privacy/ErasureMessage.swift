import Foundation

/// The records on `privacy.erasure` (key `tenant:player`), told apart by `type`. The format is
/// documented in services/user/docs/privacy-erasure.md; every erasure participant shares it.
public enum ErasureMessage: Sendable, Equatable {
    public static let topic = "privacy.erasure"

    case requested(ErasureRequested)
    case completed(ErasureCompleted)

    public var tenantID: String {
        switch self {
        case .requested(let message): message.tenantID
        case .completed(let message): message.tenantID
        }
    }

    public var playerID: String {
        switch self {
        case .requested(let message): message.playerID
        case .completed(let message): message.playerID
        }
    }

    /// ``PlayerKey``, so a request and its completions share a partition and stay in order.
    public var key: String { PlayerKey.string(tenantID: tenantID, playerID: playerID) }

    public func encoded() throws -> [UInt8] {
        switch self {
        case .requested(let message): Array(try ErasureMessage.encoder.encode(message))
        case .completed(let message): Array(try ErasureMessage.encoder.encode(message))
        }
    }

    /// Unknown types are `nil` (other record types may be added; they are not ours to handle).
    /// A record that is not a JSON object, a known type that does not decode, and one whose
    /// fields no store can hold (see ``validate()``) throw ``MalformedErasureMessage``: the
    /// consumer dead-letters it rather than stall or retry forever.
    public static func decode(_ bytes: [UInt8]) throws(MalformedErasureMessage) -> ErasureMessage? {
        let data = Data(bytes)
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw MalformedErasureMessage("the value is not JSON")
        }
        guard let object = parsed as? [String: Any] else { throw MalformedErasureMessage("the value is not a JSON object") }
        guard let type = object["type"] as? String else { throw MalformedErasureMessage("missing field 'type' (a string)") }
        let message: ErasureMessage
        do {
            switch type {
            case ErasureRequested.type: message = .requested(try decoder.decode(ErasureRequested.self, from: data))
            case ErasureCompleted.type: message = .completed(try decoder.decode(ErasureCompleted.self, from: data))
            default: return nil
            }
        } catch let error as DecodingError {
            throw MalformedErasureMessage("\(type): \(error.fieldReason)")
        } catch {
            throw MalformedErasureMessage("\(type): \(error)")
        }
        if let problem = message.validate() { throw MalformedErasureMessage("\(type): \(problem)") }
        return message
    }

    /// nil when every field is one the participants' stores can hold (tenant ids as the tenants
    /// table allows them, player ids by ``PlayerIdentifier``, service names as
    /// ``ErasureParticipantName`` spells them, no U+0000 anywhere); otherwise what is wrong.
    public func validate() -> String? {
        if tenantID.range(of: "^[a-z0-9][a-z0-9-]{1,62}$", options: .regularExpression) == nil {
            return "tenant_id must be a tenant id (a-z, 0-9, -; 2 to 63 characters)"
        }
        if let invalid = PlayerIdentifier.validate(playerID) { return "player_id: \(invalid.reason)" }
        switch self {
        case .requested(let request):
            if !Self.isStorableText(request.requestedBy, maximum: 256) { return "requested_by must be 1 to 256 characters without U+0000" }
        case .completed(let completion):
            if completion.service.range(of: "^[a-z0-9][a-z0-9-]{0,62}$", options: .regularExpression) == nil {
                return "service must be a service name (a-z, 0-9, -; 1 to 63 characters)"
            }
            if let reason = completion.reason, !Self.isStorableText(reason, maximum: 2000) {
                return "reason must be 1 to 2000 characters without U+0000"
            }
            for (store, count) in completion.deleted ?? [:] where !Self.isStorableText(store, maximum: 63) || count < 0 {
                return "deleted must map store names (1 to 63 characters) to counts of at least 0"
            }
        }
        return nil
    }

    private static func isStorableText(_ text: String, maximum: Int) -> Bool {
        !text.isEmpty && text.unicodeScalars.count <= maximum && !text.unicodeScalars.contains("\u{0}")
    }

    private struct Envelope: Decodable {
        let type: String
    }

    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339Millis.string(date))
        }
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339Millis.date(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time: \(text)")
            }
            return date
        }
        return decoder
    }()
}

/// `erasure.requested`: published by the user service once per request.
public struct ErasureRequested: Codable, Sendable, Equatable {
    public static let type = "erasure.requested"

    public var type: String = Self.type
    public var version: Int = 1
    @LowercaseUUID public var requestID: UUID
    public var tenantID: String
    public var playerID: String
    public var requestedAt: Date
    public var requestedBy: String

    public init(requestID: UUID, tenantID: String, playerID: String, requestedAt: Date, requestedBy: String) {
        self.requestID = requestID
        self.tenantID = tenantID
        self.playerID = playerID
        self.requestedAt = requestedAt
        self.requestedBy = requestedBy
    }

    enum CodingKeys: String, CodingKey {
        case type, version
        case requestID = "request_id"
        case tenantID = "tenant_id"
        case playerID = "player_id"
        case requestedAt = "requested_at"
        case requestedBy = "requested_by"
    }
}

/// `erasure.completed`: published by every participant once it has erased (or failed to erase)
/// the player's data in all of its stores.
public struct ErasureCompleted: Codable, Sendable, Equatable {
    public static let type = "erasure.completed"

    public enum Outcome: String, Codable, Sendable {
        case completed, failed
    }

    public var type: String = Self.type
    public var version: Int = 1
    @LowercaseUUID public var requestID: UUID
    public var tenantID: String
    public var playerID: String
    /// The participant's name (``ErasureParticipantName``; other services may report too).
    public var service: String
    public var status: Outcome
    public var completedAt: Date
    /// What was deleted, per store (e.g. `{"players": 1}`); informational.
    public var deleted: [String: Int]?
    /// Why it failed (status `failed` only).
    public var reason: String?

    public init(
        requestID: UUID, tenantID: String, playerID: String, service: String, status: Outcome, completedAt: Date,
        deleted: [String: Int]? = nil, reason: String? = nil
    ) {
        self.requestID = requestID
        self.tenantID = tenantID
        self.playerID = playerID
        self.service = service
        self.status = status
        self.completedAt = completedAt
        self.deleted = deleted
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case type, version, service, status, deleted, reason
        case requestID = "request_id"
        case tenantID = "tenant_id"
        case playerID = "player_id"
        case completedAt = "completed_at"
    }
}

/// RFC 3339 in UTC with milliseconds (`2026-01-02T03:04:05.678Z`); parsing also takes times
/// without fractional seconds or with an offset.
public enum RFC3339Millis {
    public static func string(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!))
    }

    public static func date(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }
}

/// A UUID written in lowercase (RFC 9562's canonical form) rather than Foundation's uppercase;
/// read in either case.
@propertyWrapper
public struct LowercaseUUID: Codable, Sendable, Hashable {
    public var wrappedValue: UUID

    public init(wrappedValue: UUID) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let uuid = UUID(uuidString: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a UUID: \(text)")
        }
        wrappedValue = uuid
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue.uuidString.lowercased())
    }
}

import Foundation

/// A validated player event: the envelope of docs/architecture.md#events, as ingestion produces it and the
/// processor consumes it.
///
/// Make one with ``EventValidator`` (from a client's JSON, with the tenant from the credential)
/// or ``init(jsonBytes:)`` (from the JSON ingestion wrote to Kafka). The JSON form uses the
/// envelope's snake_case keys; `occurred_at` is RFC 3339 in UTC with microseconds, `event_id`
/// a lowercase UUID, `properties` always present (`{}` when the client sent none).
public struct PlayerEvent: Sendable, Equatable, Hashable, Codable {
    /// The client's idempotency key.
    public var eventID: UUID
    /// The tenant, from the credential; never taken from a client's body.
    public var tenantID: String
    public var playerID: String
    public var type: EventType
    /// When it happened, to the microsecond.
    public var occurredAt: Date
    public var gameID: String?
    public var amount: Money?
    public var properties: EventProperties

    public init(
        eventID: UUID, tenantID: String, playerID: String, type: EventType, occurredAt: Date,
        gameID: String? = nil, amount: Money? = nil, properties: EventProperties = .empty
    ) {
        self.eventID = eventID
        self.tenantID = tenantID
        self.playerID = playerID
        self.type = type
        self.occurredAt = occurredAt
        self.gameID = gameID
        self.amount = amount
        self.properties = properties
    }

    /// The Kafka message key for `player.events.raw` and `player.events.processed`
    /// (``PlayerKey``), so one player's events stay in order on one partition.
    public var partitionKey: String { PlayerKey.string(tenantID: tenantID, playerID: playerID) }

    /// ``partitionKey`` as the bytes of a Kafka key, without building the string first.
    public func partitionKeyBytes() -> [UInt8] { PlayerKey.bytes(tenantID: tenantID, playerID: playerID) }

    // Identity is (tenant, event id), the table's primary key; equal events have equal ids.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(tenantID)
        hasher.combine(eventID)
    }

    // MARK: Fast JSON

    /// The event's JSON, written directly (no `JSONEncoder`); `properties` are copied as stored.
    public func jsonBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160 + playerID.utf8.count + tenantID.utf8.count + properties.byteCount)
        out.append(UInt8(ascii: "{"))
        JSONWriter.appendKey("event_id", to: &out)
        out.append(UInt8(ascii: "\""))
        UUIDText.append(eventID, to: &out)
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ","))
        JSONWriter.appendKey("tenant_id", to: &out)
        JSONWriter.appendString(tenantID, to: &out)
        out.append(UInt8(ascii: ","))
        JSONWriter.appendKey("player_id", to: &out)
        JSONWriter.appendString(playerID, to: &out)
        out.append(UInt8(ascii: ","))
        JSONWriter.appendKey("type", to: &out)
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: type.rawValue.utf8)
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ","))
        JSONWriter.appendKey("occurred_at", to: &out)
        out.append(UInt8(ascii: "\""))
        RFC3339.append(occurredAt, to: &out)
        out.append(UInt8(ascii: "\""))
        if let gameID {
            out.append(UInt8(ascii: ","))
            JSONWriter.appendKey("game_id", to: &out)
            JSONWriter.appendString(gameID, to: &out)
        }
        if let amount {
            out.append(UInt8(ascii: ","))
            JSONWriter.appendKey("amount", to: &out)
            out.append(UInt8(ascii: "{"))
            JSONWriter.appendKey("minor", to: &out)
            JSONWriter.appendInteger(amount.minor, to: &out)
            out.append(UInt8(ascii: ","))
            JSONWriter.appendKey("currency", to: &out)
            JSONWriter.appendString(amount.currency, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: ","))
        JSONWriter.appendKey("properties", to: &out)
        out.append(contentsOf: properties.bytes)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Reads an event ingestion wrote (``jsonBytes()`` or `JSONEncoder` output), taking
    /// `tenant_id` from the JSON. Every envelope rule applies except the ones that depend on
    /// when or under which list it is read: the `occurred_at` window and the ISO 4217 list
    /// (a code only has to be three uppercase letters), so stored events stay readable.
    public init(jsonBytes: some Sequence<UInt8>) throws(EventDecodingError) {
        let result = withContiguousBytes(jsonBytes) { buffer in
            EventValidator().validate(buffer, mode: .stored)
        }
        switch result {
        case .valid(let event): self = event
        case .invalid(let errors): throw EventDecodingError(errors: errors)
        }
    }

    // MARK: Codable

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id"
        case tenantID = "tenant_id"
        case playerID = "player_id"
        case type
        case occurredAt = "occurred_at"
        case gameID = "game_id"
        case amount
        case properties
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(UUIDText.string(eventID), forKey: .eventID)
        try c.encode(tenantID, forKey: .tenantID)
        try c.encode(playerID, forKey: .playerID)
        try c.encode(type, forKey: .type)
        try c.encode(RFC3339.format(occurredAt), forKey: .occurredAt)
        try c.encodeIfPresent(gameID, forKey: .gameID)
        try c.encodeIfPresent(amount, forKey: .amount)
        try c.encode(properties, forKey: .properties)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let idText = try c.decode(String.self, forKey: .eventID)
        guard let eventID = UUIDText.parse(idText) else {
            throw DecodingError.dataCorruptedError(forKey: .eventID, in: c, debugDescription: "not a UUID: \(idText)")
        }
        let timeText = try c.decode(String.self, forKey: .occurredAt)
        guard let occurredAt = RFC3339.parse(timeText) else {
            throw DecodingError.dataCorruptedError(forKey: .occurredAt, in: c, debugDescription: "not RFC 3339: \(timeText)")
        }
        self.init(
            eventID: eventID,
            tenantID: try c.decode(String.self, forKey: .tenantID),
            playerID: try c.decode(String.self, forKey: .playerID),
            type: try c.decode(EventType.self, forKey: .type),
            occurredAt: occurredAt,
            gameID: try c.decodeIfPresent(String.self, forKey: .gameID),
            amount: try c.decodeIfPresent(Money.self, forKey: .amount),
            properties: try c.decodeIfPresent(EventProperties.self, forKey: .properties) ?? .empty
        )
    }
}

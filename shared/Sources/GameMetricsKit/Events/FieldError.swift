/// One problem with one field of an event, as the ingestion API returns it to clients
/// (`{"field":"amount.currency","reason":"invalid_currency"}`).
///
/// `field` is a dotted JSON path inside the event (`occurred_at`, `amount.minor`, `properties`);
/// the empty string names the event itself (the JSON Pointer root), used when an element of a
/// batch is not an object at all. `reason` is a short snake_case code; the codes in use are
/// the static members of ``Reason``.
public struct FieldError: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    public var field: String
    public var reason: String
    /// What a downstream system said, when it is the one that refused (omitted otherwise).
    public var detail: String?

    public init(field: String, reason: String, detail: String? = nil) {
        self.field = field
        self.reason = reason
        self.detail = detail
    }

    public init(_ field: String, _ reason: Reason) {
        self.init(field: field, reason: reason.rawValue)
    }

    public var description: String {
        "\(field.isEmpty ? "<event>" : field): \(reason)" + (detail.map { " (\($0))" } ?? "")
    }

    /// The reason codes the event validator produces.
    public struct Reason: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The field is missing or `null`.
        public static let required = Reason(rawValue: "required")
        /// The field has the wrong JSON type (e.g. a number where a string is expected).
        public static let invalidType = Reason(rawValue: "invalid_type")
        /// `event_id` is not a canonical 8-4-4-4-12 hexadecimal UUID, or is the nil UUID.
        public static let invalidUUID = Reason(rawValue: "invalid_uuid")
        /// A string is longer than its limit.
        public static let tooLong = Reason(rawValue: "too_long")
        /// A string is shorter than its minimum (empty).
        public static let tooShort = Reason(rawValue: "too_short")
        /// A string contains U+0000, which PostgreSQL text and jsonb cannot store.
        public static let invalidCharacter = Reason(rawValue: "invalid_character")
        /// A value the event store cannot hold exactly: a number in `properties` beyond
        /// PostgreSQL `numeric`'s range or scale, or an `occurred_at` outside the years
        /// 0001–9999 UTC or that the platform's clock type cannot carry to the microsecond.
        public static let outOfRange = Reason(rawValue: "out_of_range")
        /// `occurred_at` is not an RFC 3339 date-time.
        public static let invalidTimestamp = Reason(rawValue: "invalid_timestamp")
        /// `occurred_at` is more than the allowed skew ahead of the server clock.
        public static let inFuture = Reason(rawValue: "in_future")
        /// `occurred_at` is older than the accepted window.
        public static let tooOld = Reason(rawValue: "too_old")
        /// `type` is not one of the known event types.
        public static let unknownType = Reason(rawValue: "unknown_type")
        /// The field is not allowed here.
        public static let notAllowed = Reason(rawValue: "not_allowed")
        /// `amount.currency` is not an active ISO 4217 code (three uppercase letters).
        public static let invalidCurrency = Reason(rawValue: "invalid_currency")
        /// `amount.minor` is a number with a fraction or an exponent.
        public static let notInteger = Reason(rawValue: "not_integer")
        /// `amount.minor` is below zero.
        public static let negative = Reason(rawValue: "negative")
        /// A number exceeds its range, or `properties` exceeds its serialized size limit.
        public static let tooLarge = Reason(rawValue: "too_large")
        /// The same key appears twice in the event object.
        public static let duplicate = Reason(rawValue: "duplicate")
        /// The JSON text is not valid (only for single-event validation of raw bytes).
        public static let invalidJSON = Reason(rawValue: "invalid_json")
        /// The database refused to store the event on its own (the processor; `detail` holds
        /// the SQLSTATE and message).
        public static let storeRefused = Reason(rawValue: "store_refused")
    }
}

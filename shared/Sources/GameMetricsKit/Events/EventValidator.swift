import Foundation

/// Validates the JSON of one client event against the envelope rules (docs/architecture.md#events) and
/// turns it into a ``PlayerEvent``, collecting every field error rather than stopping at the
/// first.
///
/// Rules, with the `field`/`reason` each failure reports:
/// - `event_id`: required; a string in the canonical 8-4-4-4-12 hex form, either case
///   (`invalid_uuid`); the nil UUID is refused too — it is a client's unset default and would
///   make every later event a "duplicate".
/// - `tenant_id`: ignored. The tenant comes from the credential, passed as `tenantID`.
/// - `player_id`: required string of 1...128 **Unicode scalars** (code points, as PostgreSQL
///   `varchar(128)` counts them): `too_short`, `too_long`; U+0000 → `invalid_character`.
/// - `type`: required, one of ``EventType`` (case-sensitive): `unknown_type`.
/// - `occurred_at`: required RFC 3339 (``RFC3339``): `invalid_timestamp`; more than
///   ``maxFutureSkew`` ahead of ``now`` → `in_future`, older than ``maxAge`` → `too_old`
///   (both bounds inclusive: exactly 5 minutes ahead or exactly 7 days old is accepted). In both
///   modes an instant the store cannot hold exactly (``RFC3339/isStorable(microseconds:)``) →
///   `out_of_range`, checked before the window.
/// - `game_id`: same rules as `player_id`; required when ``EventType/requiresGameID``,
///   optional (validated if present) otherwise.
/// - `amount`: required when ``EventType/requiresAmount``. On other types it is optional:
///   validated by the same rules and kept, because a round's stake or an achievement's reward is
///   meaningful there. `amount` must be an object (`invalid_type`);
///   `amount.minor` an integer (`not_integer` for a fraction or exponent, `negative`, `too_large`
///   beyond Int64), `amount.currency` an active ISO 4217 code (``ISO4217``), three uppercase
///   letters (`invalid_currency`, so `"usd"` fails). Other keys inside `amount` are ignored.
/// - `properties`: optional object (`invalid_type`); at most ``maxPropertiesBytes`` bytes
///   as compact JSON (`too_large`); U+0000 in any string → `invalid_character`; a number
///   PostgreSQL `numeric` (so `jsonb`) cannot hold → `out_of_range` (``NumericLimits``).
/// - Everywhere: a wrong JSON type → `invalid_type`; `null` counts as absent (→ `required` for
///   required fields); a key given twice → `duplicate`; unknown top-level keys are ignored.
public struct EventValidator: Sendable {
    /// The most Unicode scalars `player_id` and `game_id` may hold.
    public static let maxIdentifierLength = 128

    /// How far ahead of the server clock `occurred_at` may be.
    public var maxFutureSkew: TimeInterval
    /// How old `occurred_at` may be.
    public var maxAge: TimeInterval
    /// The largest compact JSON size of `properties`, in bytes.
    public var maxPropertiesBytes: Int
    /// The clock `occurred_at` is checked against.
    public var now: @Sendable () -> Date

    public init(
        maxFutureSkew: TimeInterval = 5 * 60,
        maxAge: TimeInterval = 7 * 24 * 3600,
        maxPropertiesBytes: Int = 8192,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.maxFutureSkew = maxFutureSkew
        self.maxAge = maxAge
        self.maxPropertiesBytes = maxPropertiesBytes
        self.now = now
    }

    /// Validates the JSON text of one event object. Text that is not JSON is reported as
    /// `("", "invalid_json")`, JSON that is not an object as `("", "invalid_type")`.
    public func validate(_ json: some Sequence<UInt8>, tenantID: String) -> EventValidationResult {
        let nowMicros = RFC3339.microseconds(now())
        return withContiguousBytes(json) { validate($0, mode: .ingest(tenantID: tenantID, nowMicros: nowMicros)) }
    }

    /// Validates the JSON text of one event object (see the byte-sequence overload).
    public func validate(_ json: String, tenantID: String) -> EventValidationResult {
        validate(json.utf8, tenantID: tenantID)
    }

    // MARK: Internals

    enum Mode {
        /// A client's event: tenant from the credential, clock and currency list checked.
        case ingest(tenantID: String, nowMicros: Int64)
        /// An event ingestion stored: tenant from the JSON, no clock or currency-list check.
        case stored
    }

    func validate(_ buffer: UnsafeBufferPointer<UInt8>, mode: Mode) -> EventValidationResult {
        var scanner = JSONScanner(buffer)
        do throws(JSONSyntaxError) {
            switch try scanner.scanBody(maxEvents: nil) {
            case .single(let event):
                return validate(event, in: scanner, mode: mode)
            default:
                return .invalid([FieldError("", .invalidType)])
            }
        } catch {
            return .invalid([FieldError("", .invalidJSON)])
        }
    }

    /// Validates a scanned event object; a non-object element gets `("", "invalid_type")`.
    func validate(_ scanned: ScannedEvent, in scanner: JSONScanner, mode: Mode) -> EventValidationResult {
        guard scanned.value.kind == .object else { return .invalid([FieldError("", .invalidType)]) }
        var errors: [FieldError] = []

        // event_id
        var eventID: UUID?
        if check(scanned.eventID, "event_id", required: true, kind: .string, &errors) {
            eventID = scanner.withStringBytes(scanned.eventID) { UUIDText.parse(utf8: $0) }
            if let id = eventID, UUIDText.isNil(id) { eventID = nil }
            if eventID == nil { errors.append(FieldError("event_id", .invalidUUID)) }
        }

        // tenant_id
        var tenantID: String?
        switch mode {
        case .ingest(let fromCredential, _):
            tenantID = fromCredential
        case .stored:
            tenantID = identifier(scanned.tenantID, "tenant_id", required: true, in: scanner, &errors)
        }

        let playerID = identifier(scanned.playerID, "player_id", required: true, in: scanner, &errors)

        // type
        var type: EventType?
        if check(scanned.type, "type", required: true, kind: .string, &errors) {
            type = scanner.withStringBytes(scanned.type) { EventType(utf8: $0) }
            if type == nil { errors.append(FieldError("type", .unknownType)) }
        }

        // occurred_at
        var occurredMicros: Int64?
        if check(scanned.occurredAt, "occurred_at", required: true, kind: .string, &errors) {
            occurredMicros = scanner.withStringBytes(scanned.occurredAt) { RFC3339.parseMicroseconds($0) }
            if let micros = occurredMicros {
                if !RFC3339.isStorable(microseconds: micros) {
                    errors.append(FieldError("occurred_at", .outOfRange))
                    occurredMicros = nil
                } else if case .ingest(_, let nowMicros) = mode {
                    if micros > nowMicros + Int64((maxFutureSkew * 1_000_000).rounded()) {
                        errors.append(FieldError("occurred_at", .inFuture))
                        occurredMicros = nil
                    } else if micros < nowMicros - Int64((maxAge * 1_000_000).rounded()) {
                        errors.append(FieldError("occurred_at", .tooOld))
                        occurredMicros = nil
                    }
                }
            } else {
                errors.append(FieldError("occurred_at", .invalidTimestamp))
            }
        }

        let gameID = identifier(scanned.gameID, "game_id", required: type?.requiresGameID ?? false, in: scanner, &errors)

        // amount
        var amount: Money?
        if check(scanned.amount, "amount", required: type?.requiresAmount ?? false, kind: .object, &errors) {
            amount = money(scanned.amount, in: scanner, checkList: { if case .ingest = mode { true } else { false } }(), &errors)
        }

        // properties
        var properties = EventProperties.empty
        if check(scanned.properties, "properties", required: false, kind: .object, &errors) {
            if let reason = propertiesError(scanned.properties, in: scanner) {
                errors.append(FieldError("properties", reason))
            } else if errors.isEmpty {
                properties = EventProperties(compact: scanner.compactBytes(scanned.properties))
            }
        }

        guard errors.isEmpty, let eventID, let tenantID, let playerID, let type, let occurredMicros else {
            return .invalid(errors)
        }
        return .valid(
            PlayerEvent(
                eventID: eventID, tenantID: tenantID, playerID: playerID, type: type,
                occurredAt: RFC3339.date(microsecondsSince1970: occurredMicros),
                gameID: gameID, amount: amount, properties: properties
            ))
    }

    /// What is wrong with a scanned `properties` object, if anything: U+0000
    /// (`invalid_character`), a number PostgreSQL `numeric` cannot hold (`out_of_range`), more
    /// than ``maxPropertiesBytes`` as compact JSON (`too_large`). One reason, in that order.
    private func propertiesError(_ slot: JSONSlot, in scanner: JSONScanner) -> FieldError.Reason? {
        if slot.containsNUL { return .invalidCharacter }
        if slot.containsNumberOutOfRange { return .outOfRange }
        if scanner.compactCount(slot) > maxPropertiesBytes { return .tooLarge }
        return nil
    }

    /// Validates JSON text as an event's `properties` value by exactly the rules ``validate(_:tenantID:)``
    /// applies to that field (nested as deep as inside an event): the compact object, or the
    /// reason it would be refused — `invalid_json` (not JSON, or nested deeper than the scanner's
    /// limit), `invalid_type` (not an object), `invalid_character`, `out_of_range`, `too_large`.
    /// For differential tests and fuzzing of the validator against other JSON readers.
    public func validateProperties(_ json: some Sequence<UInt8>) -> Result<EventProperties, PropertiesRejection> {
        withContiguousBytes(json) { buffer in
            var scanner = JSONScanner(buffer)
            do throws(JSONSyntaxError) {
                scanner.skipWhitespace()
                // An event's properties sit at depth 1, inside the event object.
                let slot = try scanner.scanValue(depth: 1)
                try scanner.expectEnd()
                guard slot.kind == .object else { return .failure(PropertiesRejection(reason: .invalidType)) }
                if let reason = propertiesError(slot, in: scanner) { return .failure(PropertiesRejection(reason: reason)) }
                return .success(EventProperties(compact: scanner.compactBytes(slot)))
            } catch {
                return .failure(PropertiesRejection(reason: .invalidJSON, syntaxError: error))
            }
        }
    }

    /// Reports absence, duplication and a wrong type; true when the value is there to check.
    private func check(
        _ slot: JSONSlot, _ field: String, required: Bool, kind: JSONKind, _ errors: inout [FieldError]
    ) -> Bool {
        if slot.duplicate {
            errors.append(FieldError(field, .duplicate))
            return false
        }
        guard slot.isPresent else {
            if required { errors.append(FieldError(field, .required)) }
            return false
        }
        guard slot.kind == kind else {
            errors.append(FieldError(field, .invalidType))
            return false
        }
        return true
    }

    /// A string of 1...128 Unicode scalars without U+0000.
    private func identifier(
        _ slot: JSONSlot, _ field: String, required: Bool, in scanner: JSONScanner, _ errors: inout [FieldError]
    ) -> String? {
        guard check(slot, field, required: required, kind: .string, &errors) else { return nil }
        if slot.containsNUL {
            errors.append(FieldError(field, .invalidCharacter))
            return nil
        }
        return scanner.withStringBytes(slot) { bytes -> String? in
            // Scalars = bytes that are not UTF-8 continuation bytes (the scanner checked UTF-8).
            let scalars: Int
            if bytes.count <= Self.maxIdentifierLength {
                scalars = bytes.count == 0 ? 0 : bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
            } else if bytes.count > Self.maxIdentifierLength * 4 {
                scalars = bytes.count  // more than 128 scalars whatever the encoding
            } else {
                scalars = bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
            }
            if scalars == 0 {
                errors.append(FieldError(field, .tooShort))
                return nil
            }
            if scalars > Self.maxIdentifierLength {
                errors.append(FieldError(field, .tooLong))
                return nil
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// `{"minor": integer >= 0, "currency": "EUR"}`.
    private func money(
        _ slot: JSONSlot, in outer: JSONScanner, checkList: Bool, _ errors: inout [FieldError]
    ) -> Money? {
        // Re-scan the (already validated) object to find its two members.
        var scanner = JSONScanner(UnsafeBufferPointer(start: outer.base + slot.start, count: slot.end - slot.start))
        var minorSlot = JSONSlot()
        var currencySlot = JSONSlot()
        scanner.pos = 1
        scanner.skipWhitespace()
        while scanner.current == UInt8(ascii: "\"") {
            guard let key = try? scanner.scanString() else { break }
            scanner.skipWhitespace()
            scanner.pos += 1  // ':'
            scanner.skipWhitespace()
            guard let value = try? scanner.scanValue(depth: 1) else { break }
            let isMinor = key.escaped ? scanner.string(key) == "minor" : scanner.rawEquals(key, "minor")
            let isCurrency = !isMinor && (key.escaped ? scanner.string(key) == "currency" : scanner.rawEquals(key, "currency"))
            if isMinor {
                if minorSlot.kind == .absent { minorSlot = value } else { minorSlot.duplicate = true }
            } else if isCurrency {
                if currencySlot.kind == .absent { currencySlot = value } else { currencySlot.duplicate = true }
            }
            scanner.skipWhitespace()
            if scanner.current == UInt8(ascii: ",") {
                scanner.pos += 1
                scanner.skipWhitespace()
            }
        }

        var minor: Int64?
        if check(minorSlot, "amount.minor", required: true, kind: .number, &errors) {
            if !minorSlot.integer {
                errors.append(FieldError("amount.minor", .notInteger))
            } else {
                var i = minorSlot.start
                let negative = scanner.base[i] == UInt8(ascii: "-")
                if negative { i += 1 }
                var value: Int64 = 0
                var overflow = false
                while i < minorSlot.end {
                    let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                    let (sum, o2) = times10.addingReportingOverflow(Int64(scanner.base[i] - UInt8(ascii: "0")))
                    if o1 || o2 { overflow = true; break }
                    value = sum
                    i += 1
                }
                if negative && (overflow || value != 0) {
                    errors.append(FieldError("amount.minor", .negative))
                } else if overflow {
                    errors.append(FieldError("amount.minor", .tooLarge))
                } else {
                    minor = value
                }
            }
        }

        var currency: String?
        if check(currencySlot, "amount.currency", required: true, kind: .string, &errors) {
            let ok = scanner.withStringBytes(currencySlot) { bytes in
                checkList ? ISO4217.isActive(utf8: bytes) : ISO4217.isWellFormed(String(decoding: bytes, as: UTF8.self))
            }
            if ok {
                currency = scanner.string(currencySlot)
            } else {
                errors.append(FieldError("amount.currency", .invalidCurrency))
            }
        }

        guard let minor, let currency else { return nil }
        return Money(minor: minor, currency: currency)
    }
}

/// The envelope fields of one event object, located by ``JSONScanner`` but not yet decoded.
struct ScannedEvent {
    /// The whole event value (for rejected events, which are forwarded as sent).
    var value = JSONSlot()
    var eventID = JSONSlot()
    var tenantID = JSONSlot()
    var playerID = JSONSlot()
    var type = JSONSlot()
    var occurredAt = JSONSlot()
    var gameID = JSONSlot()
    var amount = JSONSlot()
    var properties = JSONSlot()
}

/// The batch-related state of scanning a top-level object.
struct BatchState {
    /// The most events a batch may hold; nil when `events` is an ordinary (ignored) key.
    var limit: Int?
    /// The scanned elements of `events`, once seen.
    var events: [ScannedEvent]?
    /// `events` was present but not (exactly once) an array.
    var eventsNotAnArray = false
}

/// What the top level of a request body turned out to be.
enum ScannedBody {
    /// A single event object.
    case single(ScannedEvent)
    /// `{"events":[...]}`.
    case batch([ScannedEvent])
    /// Valid JSON whose top level is not an object.
    case notAnObject
    /// An object whose `events` member is not an array.
    case eventsNotAnArray
    /// `events` holds more than the allowed number of elements.
    case tooManyEvents
}

extension JSONScanner {
    /// Scans a complete document: one event object, or a batch object when `maxEvents` is given.
    mutating func scanBody(maxEvents: Int?) throws(JSONSyntaxError) -> ScannedBody {
        skipWhitespace()
        guard !atEnd else { throw error("empty body") }
        guard current == UInt8(ascii: "{") else {
            _ = try scanValue(depth: 0)
            try expectEnd()
            return .notAnObject
        }
        var batch = BatchState(limit: maxEvents)
        let event: ScannedEvent
        do {
            event = try scanEventObject(depth: 0, batch: &batch)
        } catch let failure where failure.limitExceeded {
            return .tooManyEvents
        }
        try expectEnd()
        if batch.eventsNotAnArray { return .eventsNotAnArray }
        if let events = batch.events { return .batch(events) }
        return .single(event)
    }

    /// Scans `[ {...}, ... ]` whose elements are events; stops early past `maxEvents`.
    private mutating func scanEventArray(maxEvents: Int) throws(JSONSyntaxError) -> [ScannedEvent] {
        var events: [ScannedEvent] = []
        events.reserveCapacity(16)
        pos += 1
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            pos += 1
            return events
        }
        while true {
            if events.count == maxEvents {
                var failure = error("more than \(maxEvents) events")
                failure.limitExceeded = true
                throw failure
            }
            // Depth counts from each event, not from the body: an event's properties may nest as
            // deep in a batch as alone (the two enclosing levels cost 2 stack frames more).
            if current == UInt8(ascii: "{") {
                var nested = BatchState(limit: nil)
                events.append(try scanEventObject(depth: 0, batch: &nested))
            } else {
                var element = ScannedEvent()
                element.value = try scanValue(depth: 0)
                events.append(element)
            }
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                pos += 1
                skipWhitespace()
            } else if current == UInt8(ascii: "]") {
                pos += 1
                return events
            } else {
                throw error("expected ',' or ']'")
            }
        }
    }

    /// Scans an event object at `{`, recording the envelope fields and validating the rest.
    /// When `batch.limit` is set, an `events` key holding an array is scanned as the batch.
    mutating func scanEventObject(depth: Int, batch: inout BatchState) throws(JSONSyntaxError) -> ScannedEvent {
        guard depth < JSONScanner.maxDepth else { throw error("nesting deeper than \(JSONScanner.maxDepth)") }
        var event = ScannedEvent()
        let start = pos
        let whitespaceBefore = sawWhitespace
        let nulBefore = sawNUL
        let outOfRangeBefore = sawNumberOutOfRange
        sawWhitespace = false
        sawNUL = false
        sawNumberOutOfRange = false
        pos += 1
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            pos += 1
        } else {
            while true {
                guard current == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let key = try scanString()
                skipWhitespace()
                try expect(UInt8(ascii: ":"), "':'")
                skipWhitespace()
                let field = EnvelopeKey(key, in: self)
                if field == .events, let limit = batch.limit {
                    if current == UInt8(ascii: "["), batch.events == nil {
                        batch.events = try scanEventArray(maxEvents: limit)
                    } else {
                        // Not an array, or a second "events" key: either way not a usable batch.
                        if current != UInt8(ascii: "[") || batch.events != nil { batch.eventsNotAnArray = true }
                        _ = try scanValue(depth: depth + 1)
                    }
                } else {
                    let value = try scanValue(depth: depth + 1)
                    switch field {
                    case .eventID: Self.assign(value, to: &event.eventID)
                    case .tenantID: Self.assign(value, to: &event.tenantID)
                    case .playerID: Self.assign(value, to: &event.playerID)
                    case .type: Self.assign(value, to: &event.type)
                    case .occurredAt: Self.assign(value, to: &event.occurredAt)
                    case .gameID: Self.assign(value, to: &event.gameID)
                    case .amount: Self.assign(value, to: &event.amount)
                    case .properties: Self.assign(value, to: &event.properties)
                    case .events, nil: break
                    }
                }
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    pos += 1
                    skipWhitespace()
                } else if current == UInt8(ascii: "}") {
                    pos += 1
                    break
                } else {
                    throw error("expected ',' or '}'")
                }
            }
        }
        event.value = JSONSlot(
            kind: .object, start: start, end: pos, containsNUL: sawNUL,
            containsNumberOutOfRange: sawNumberOutOfRange, containsWhitespace: sawWhitespace
        )
        sawWhitespace = sawWhitespace || whitespaceBefore
        sawNUL = sawNUL || nulBefore
        sawNumberOutOfRange = sawNumberOutOfRange || outOfRangeBefore
        return event
    }

    @inline(__always) private static func assign(_ value: JSONSlot, to slot: inout JSONSlot) {
        if slot.kind == .absent {
            slot = value
        } else {
            slot.duplicate = true
        }
    }
}

/// The top-level keys the scanner records; everything else is validated and ignored.
enum EnvelopeKey {
    case eventID, tenantID, playerID, type, occurredAt, gameID, amount, properties, events

    init?(_ key: JSONSlot, in scanner: JSONScanner) {
        if key.escaped {
            // Rare: a key written with escapes ("event\u005fid") still names the field.
            let name = scanner.string(key)
            switch name {
            case "event_id": self = .eventID
            case "tenant_id": self = .tenantID
            case "player_id": self = .playerID
            case "type": self = .type
            case "occurred_at": self = .occurredAt
            case "game_id": self = .gameID
            case "amount": self = .amount
            case "properties": self = .properties
            case "events": self = .events
            default: return nil
            }
            return
        }
        switch key.end - key.start {
        case 4 where scanner.rawEquals(key, "type"): self = .type
        case 6 where scanner.rawEquals(key, "amount"): self = .amount
        case 6 where scanner.rawEquals(key, "events"): self = .events
        case 7 where scanner.rawEquals(key, "game_id"): self = .gameID
        case 8 where scanner.rawEquals(key, "event_id"): self = .eventID
        case 9 where scanner.rawEquals(key, "tenant_id"): self = .tenantID
        case 9 where scanner.rawEquals(key, "player_id"): self = .playerID
        case 10 where scanner.rawEquals(key, "properties"): self = .properties
        case 11 where scanner.rawEquals(key, "occurred_at"): self = .occurredAt
        default: return nil
        }
    }
}

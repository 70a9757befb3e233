/// Reads a `POST /v1/events` body — one event object, or `{"events":[...]}` — in a single pass
/// over the bytes, and validates every event.
///
/// Problems with the body as a whole throw ``EventBatchError`` (the API answers 400, or 413
/// for the size); problems with single events are per-index results, so one bad event does not
/// sink the others. An element of `events` that is not an object is a rejected event
/// (`("", "invalid_type")`), not a body error. Other top-level keys beside `events` are ignored.
public struct EventBatchParser: Sendable {
    public static let defaultMaxEvents = 500
    public static let defaultMaxBodyBytes = 1 << 20

    public var validator: EventValidator
    public var maxEvents: Int
    public var maxBodyBytes: Int

    public init(
        validator: EventValidator = EventValidator(),
        maxEvents: Int = EventBatchParser.defaultMaxEvents,
        maxBodyBytes: Int = EventBatchParser.defaultMaxBodyBytes
    ) {
        self.validator = validator
        self.maxEvents = maxEvents
        self.maxBodyBytes = maxBodyBytes
    }

    /// Parses and validates `body` for the tenant of the request's credential. The clock is
    /// read once, so all events of a request are judged against the same instant.
    public func parse(_ body: some Sequence<UInt8>, tenantID: String) throws(EventBatchError) -> EventBatch {
        let nowMicros = RFC3339.microseconds(validator.now())
        let result: Result<EventBatch, EventBatchError> = withContiguousBytes(body) { buffer in
            guard buffer.count <= maxBodyBytes else { return .failure(.bodyTooLarge(limit: maxBodyBytes)) }
            var scanner = JSONScanner(buffer)
            let scanned: ScannedBody
            do throws(JSONSyntaxError) {
                scanned = try scanner.scanBody(maxEvents: maxEvents)
            } catch {
                return .failure(.malformedJSON(offset: error.offset, message: error.message))
            }
            let mode = EventValidator.Mode.ingest(tenantID: tenantID, nowMicros: nowMicros)
            switch scanned {
            case .notAnObject: return .failure(.notAnObject)
            case .eventsNotAnArray: return .failure(.eventsNotAnArray)
            case .tooManyEvents: return .failure(.tooManyEvents(limit: maxEvents))
            case .single(let event):
                return .success(batch([event], isBatch: false, scanner: scanner, mode: mode))
            case .batch(let events):
                guard !events.isEmpty else { return .failure(.emptyBatch) }
                return .success(batch(events, isBatch: true, scanner: scanner, mode: mode))
            }
        }
        return try result.get()
    }

    private func batch(_ events: [ScannedEvent], isBatch: Bool, scanner: JSONScanner, mode: EventValidator.Mode) -> EventBatch {
        var results: [EventValidationResult] = []
        results.reserveCapacity(events.count)
        var rejections: [EventRejection] = []
        for (index, event) in events.enumerated() {
            let result = validator.validate(event, in: scanner, mode: mode)
            if case .invalid(let errors) = result {
                let raw = UnsafeBufferPointer(start: scanner.base + event.value.rawStart, count: event.value.rawEnd - event.value.rawStart)
                rejections.append(EventRejection(index: index, errors: errors, rawJSON: Array(raw)))
            }
            results.append(result)
        }
        return EventBatch(isBatch: isBatch, results: results, rejections: rejections)
    }
}

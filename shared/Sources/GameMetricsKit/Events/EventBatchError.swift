/// A request body the ingestion API rejects as a whole, before looking at single events.
public enum EventBatchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The body is larger than the limit (answer 413).
    case bodyTooLarge(limit: Int)
    /// The body is not valid JSON (empty, truncated, bad syntax, nesting deeper than 64).
    case malformedJSON(offset: Int, message: String)
    /// The body is JSON but not an object.
    case notAnObject
    /// `events` is present but not an array (or given twice).
    case eventsNotAnArray
    /// `events` is an empty array.
    case emptyBatch
    /// `events` holds more events than allowed.
    case tooManyEvents(limit: Int)

    /// The HTTP status the ingestion API answers with.
    public var httpStatus: Int {
        if case .bodyTooLarge = self { 413 } else { 400 }
    }

    /// The snake_case `error.code` of the API's error JSON.
    public var code: String {
        switch self {
        case .bodyTooLarge: "body_too_large"
        case .malformedJSON: "malformed_json"
        case .notAnObject: "not_an_object"
        case .eventsNotAnArray: "events_not_an_array"
        case .emptyBatch: "empty_batch"
        case .tooManyEvents: "too_many_events"
        }
    }

    /// The human sentence of the API's error JSON.
    public var message: String {
        switch self {
        case .bodyTooLarge(let limit): "The request body is larger than \(limit) bytes."
        case .malformedJSON(let offset, let message): "The request body is not valid JSON (byte \(offset): \(message))."
        case .notAnObject: "The request body must be an event object or {\"events\":[...]}."
        case .eventsNotAnArray: "\"events\" must be an array of event objects."
        case .emptyBatch: "\"events\" must hold at least one event."
        case .tooManyEvents(let limit): "A request may hold at most \(limit) events."
        }
    }

    public var description: String { "\(code): \(message)" }
}

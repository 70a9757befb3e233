/// One event of a request that failed validation: its position, its errors, and its JSON as
/// the client sent it (for `player.events.invalid`).
///
/// Encodes as the API's `{"index":i,"errors":[{"field":f,"reason":r}]}`; `rawJSON` is not
/// part of that encoding.
public struct EventRejection: Sendable, Equatable, Encodable {
    /// The event's position in `events` (0 for a single-event body).
    public var index: Int
    public var errors: [FieldError]
    /// The element's bytes exactly as they appeared in the request body.
    public var rawJSON: [UInt8]

    public init(index: Int, errors: [FieldError], rawJSON: [UInt8]) {
        self.index = index
        self.errors = errors
        self.rawJSON = rawJSON
    }

    enum CodingKeys: String, CodingKey {
        case index, errors
    }
}

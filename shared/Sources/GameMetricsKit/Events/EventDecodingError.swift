/// A stored event's JSON (see ``PlayerEvent/init(jsonBytes:)``) broke the envelope rules.
public struct EventDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [FieldError]

    public init(errors: [FieldError]) {
        self.errors = errors
    }

    public var description: String {
        "invalid event: " + errors.map(\.description).joined(separator: ", ")
    }
}

/// One reason an input was refused: `field` is a JSON path (`amount.currency`), `reason` a snake_case code.
public struct FieldError: Codable, Sendable, Equatable, Hashable {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }
}

/// Why ``EventValidator/validateProperties(_:)`` refused a `properties` value: the reason the
/// event would carry for its `properties` field (or `invalid_json` for the whole event), and for
/// text that is not JSON the scanner's error.
public struct PropertiesRejection: Error, Sendable, Equatable {
    public var reason: FieldError.Reason
    public var syntaxError: JSONSyntaxError?

    public init(reason: FieldError.Reason, syntaxError: JSONSyntaxError? = nil) {
        self.reason = reason
        self.syntaxError = syntaxError
    }
}

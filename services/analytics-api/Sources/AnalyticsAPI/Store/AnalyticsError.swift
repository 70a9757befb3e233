/// A query the service will not answer as asked: the client's to fix. Its message goes to the
/// client as a GraphQL error with `extensions.code`; other errors are logged and reported as
/// `INTERNAL` without their text (SQL, addresses).
struct AnalyticsError: Error, CustomStringConvertible, Sendable, Equatable {
    enum Code: String, Sendable {
        case badArgument = "BAD_USER_INPUT"
        case rangeTooWide = "RANGE_TOO_WIDE"
        case grainNotKept = "GRAIN_NOT_KEPT"
        case forbidden = "FORBIDDEN"
        case unauthenticated = "UNAUTHENTICATED"
        case auditUnavailable = "AUDIT_UNAVAILABLE"
        case tooComplex = "QUERY_TOO_COMPLEX"
        case persistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND"
        case persistedQueryRequired = "PERSISTED_QUERY_REQUIRED"
        case timeout = "QUERY_TIMEOUT"
    }

    var code: Code
    var message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { message }
}

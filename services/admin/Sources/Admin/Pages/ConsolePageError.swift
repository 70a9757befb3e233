import HTTPTypes

/// A request the console answers with an error page instead of the page asked for.
enum ConsolePageError: Error {
    case forbidden(String)
    case notFound(String)
    case badRequest(String)
    /// Something this page needs does not answer; the page says which.
    case unavailable(String)

    var status: HTTPResponse.Status {
        switch self {
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .badRequest: .badRequest
        case .unavailable: .serviceUnavailable
        }
    }

    var message: String {
        switch self {
        case .forbidden(let text), .notFound(let text), .badRequest(let text), .unavailable(let text): text
        }
    }
}

/// The browser must go elsewhere first.
enum ConsoleRedirect: Error {
    /// Not signed in (or the session ended): log in, then come back to `returnTo`.
    case login(returnTo: String)
}

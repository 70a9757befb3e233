/// Why the user service did not hand out tokens.
enum TokenEndpointError: Error, CustomStringConvertible {
    /// A 4xx: the code, verifier or refresh token was not (or no longer) good. The operator logs in again.
    case refused(status: Int, error: String)
    /// No answer, or a 5xx: the user service is down or failing.
    case unavailable(String)

    var description: String {
        switch self {
        case .refused(let status, let error): "the user service refused the grant (\(status) \(error))"
        case .unavailable(let reason): "the user service did not answer the grant: \(reason)"
        }
    }
}

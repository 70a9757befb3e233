import CurlHTTP

/// Failures of S3 operations, decoded from the status and the `<Error><Code>` of S3's XML body
/// so callers can branch on the cases they handle (a missing object, bad credentials) without
/// parsing strings.
public enum S3Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// 403: wrong secret, unknown access key or no permission (`AccessDenied`,
    /// `SignatureDoesNotMatch`, `InvalidAccessKeyId`).
    case accessDenied
    case noSuchBucket
    case noSuchKey
    /// `createBucket` on a name that exists (`BucketAlreadyExists` / `BucketAlreadyOwnedByYou`).
    case bucketAlreadyExists
    /// Any other non-success status, with the response body for the log.
    case unexpectedStatus(code: Int, body: String)
    /// A success status whose body could not be understood (e.g. malformed list XML).
    case invalidResponse(String)
    /// No HTTP response at all: refused connection, timeout, bad endpoint URL.
    case transport(HTTPClientError)
    /// The calling task was cancelled before the response arrived.
    case cancelled

    public var description: String {
        switch self {
        case .accessDenied: "S3 access denied (check the access key and secret)"
        case .noSuchBucket: "S3 bucket does not exist"
        case .noSuchKey: "S3 object does not exist"
        case .bucketAlreadyExists: "S3 bucket already exists"
        case .unexpectedStatus(let code, let body): "S3 answered \(code): \(body)"
        case .invalidResponse(let reason): "S3 response not understood: \(reason)"
        case .transport(let error): "S3 unreachable: \(error)"
        case .cancelled: "S3 request cancelled"
        }
    }
}

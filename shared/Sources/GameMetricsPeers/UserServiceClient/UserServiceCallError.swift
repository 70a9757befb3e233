import HTTPTypes

/// A call to the user service that got no usable answer.
public enum UserServiceCallError: Error, Sendable, CustomStringConvertible {
    case unexpectedStatus(HTTPResponse.Status, url: String, body: String)
    case undecodable(url: String)

    public var description: String {
        switch self {
        case .unexpectedStatus(let status, let url, let body): "\(url) answered \(status.code): \(body.prefix(200))"
        case .undecodable(let url): "\(url) answered with a body that could not be decoded"
        }
    }
}

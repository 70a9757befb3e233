/// Why a submission did not end with the server's acceptance of the message.
public enum SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server could not be resolved or reached.
    case connectFailed(String)
    /// The submission's timeout (or the connect timeout) elapsed.
    case timeout
    /// The server answered with a failure reply (RFC 5321: 4yz transient, 5yz permanent).
    case rejected(code: Int, message: String)
    /// TLS could not be established or the certificate was refused (configuration, not the message).
    case tls(String)
    /// Any other libcurl failure, with curl's `CURLcode` and its message.
    case transport(code: Int, message: String)

    /// Whether trying the same message again can never succeed: a 5yz reply.
    public var isPermanent: Bool {
        if case .rejected(let code, _) = self { return (500..<600).contains(code) }
        return false
    }

    public var description: String {
        switch self {
        case .connectFailed(let message): "could not connect to the SMTP server: \(message)"
        case .timeout: "SMTP submission timed out"
        case .rejected(let code, let message): "SMTP server replied \(code): \(message)"
        case .tls(let message): "SMTP TLS failed: \(message)"
        case .transport(let code, let message): "SMTP transport error \(code): \(message)"
        }
    }
}

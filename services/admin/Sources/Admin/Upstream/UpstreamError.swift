/// A call to another service that gave no usable answer; pages show `message` in place of the
/// part that needed it.
struct UpstreamError: Error, CustomStringConvertible {
    enum Kind: Sendable {
        /// The service refused the operator's request (4xx): not the service's fault.
        case refused(status: Int)
        /// The operator's token was not accepted (401): the session must be renewed.
        case unauthorized
        /// No answer, a timeout, a 5xx, or an answer that is not what the API documents.
        case unavailable
    }

    let service: String
    let kind: Kind
    let message: String

    var description: String { "\(service): \(message)" }
}

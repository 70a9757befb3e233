/// One message to submit: the SMTP envelope and the RFC 5322 message itself (headers, blank
/// line, body; lines ending in CRLF). The caller builds the message; the client adds nothing.
public struct MailEnvelope: Sendable, Equatable {
    /// `MAIL FROM` address (without angle brackets).
    public var sender: String
    /// `RCPT TO` addresses (without angle brackets).
    public var recipients: [String]
    public var message: [UInt8]

    public init(sender: String, recipients: [String], message: [UInt8]) {
        self.sender = sender
        self.recipients = recipients
        self.message = message
    }
}

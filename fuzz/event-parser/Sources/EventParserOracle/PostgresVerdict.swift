/// What PostgreSQL made of one input as `jsonb` (`$1::jsonb` with the bytes as `text`, whose
/// input also checks the UTF-8 encoding and refuses byte 0).
public enum PostgresVerdict: Equatable, Sendable {
    /// Parsed. `compactEqual`: whether the validator's compact bytes parse to an equal `jsonb`
    /// (nil when the validator refused, so there are no compact bytes).
    case accepted(compactEqual: Bool?)
    /// Refused with this SQLSTATE and message.
    case refused(sqlState: String, message: String)

    public var isAccepted: Bool {
        if case .accepted = self { true } else { false }
    }
}

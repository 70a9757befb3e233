/// One thing wrong with an audit chain or its anchoring, as ``AuditVerifier/verify(anchoredIn:)``
/// finds it; `description` is the line `audit-verify` prints.
public enum AuditProblem: Sendable, Equatable, CustomStringConvertible {
    /// The first row that does not verify (or the anchored row, missing or changed).
    case row(seq: Int64, reason: String)
    /// The head anchor at `location` is not one this chain's keys made.
    case anchorNotAuthentic(location: String)
    /// Rows verify but no anchor holds them: removal of the newest rows cannot be ruled out.
    case unanchored(rows: Int, location: String)
    /// A daily digest (its object's location) is missing, altered, out of its chain, or pins a
    /// row that changed.
    case digest(location: String, reason: String)

    public var description: String {
        switch self {
        case .row(let seq, let reason):
            "broken at seq \(seq): \(reason)"
        case .anchorNotAuthentic(let location):
            "anchor at \(location) is not authentic (its MAC does not verify under the configured keys)"
        case .unanchored(let rows, let location):
            "unanchored: \(rows) rows verify, but \(location) holds no anchor, "
                + "so removal of the newest rows cannot be ruled out (is the service anchoring?)"
        case .digest(let location, let reason):
            "digest \(location) \(reason)"
        }
    }
}

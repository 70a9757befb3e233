import GameMetricsService

/// A record that can never be handled as it is, however often it is tried: its consumer
/// dead-letters it (see `DeadLetterQueue`) instead of retrying. Handlers throw it for what they
/// find wrong themselves; ``init(_:)`` also recognises the store refusing the record's content.
public struct RecordRejection: Error, Sendable, CustomStringConvertible {
    public let reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { reason }

    /// The rejection `error` amounts to, or nil for an error worth retrying (a broker or a
    /// database that is down, a timeout): a `RecordContentError` that blames the record's
    /// content (e.g. PostgreSQL's data exceptions, see GameMetricsPostgres) is one.
    public init?(_ error: any Error) {
        if let rejection = error as? RecordRejection {
            self = rejection
            return
        }
        guard let reason = (error as? any RecordContentError)?.recordRejectionReason else { return nil }
        self.reason = reason
    }
}

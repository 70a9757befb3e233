/// What a record-by-record handler did with one record (see `ConsumerLoop`).
public enum ConsumerRecordOutcome: Sendable, Equatable {
    /// Done (its effects are durable); the record may be committed.
    case handled
    /// The loop is stopping: the record was not handled and is not committed.
    case stopped
    /// The record can never be handled as it is: dead-letter it with this reason, then commit.
    case rejected(reason: String)
}

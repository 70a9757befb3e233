/// An error that can tell when the record's content alone caused it, so that no retry can help:
/// `RecordRejection.init?(_:)` turns such errors into dead-lettered records. The database
/// module conforms PostgreSQL's errors, so that a consumer does not link a driver to recognise them.
public protocol RecordContentError: Error {
    /// Why the record can never be handled as it is, or nil when a retry may succeed.
    var recordRejectionReason: String? { get }
}

/// One `POST /v1/events` body for one tenant, ready to send (and to resend unchanged: the
/// event ids inside make a retry idempotent).
struct OutgoingBatch: Sendable {
    var tenantIndex: Int
    /// `{"events":[...]}`.
    var body: [UInt8]
    var eventCount: Int
    /// When its last event is due, in seconds after the start: it is not sent before then,
    /// so no event is ever sent before it "happened".
    var dueOffset: Double
}

/// A request body read by ``EventBatchParser``: one validation result per event, in order.
public struct EventBatch: Sendable, Equatable {
    /// Whether the body was `{"events":[...]}` rather than a single event object.
    public var isBatch: Bool
    /// One result per event; index `i` is `events[i]` (or the single event at 0).
    public var results: [EventValidationResult]
    /// The failed events, in index order, with their raw JSON.
    public var rejections: [EventRejection]

    public init(isBatch: Bool, results: [EventValidationResult], rejections: [EventRejection]) {
        self.isBatch = isBatch
        self.results = results
        self.rejections = rejections
    }

    /// The valid events, in index order.
    public var accepted: [PlayerEvent] { results.compactMap(\.event) }

    public var count: Int { results.count }
}

/// Work that did not finish within its time limit (``withTimeout(_:_:)``).
public struct TimeoutExceeded: Error, CustomStringConvertible {
    public let limit: Duration

    public init(limit: Duration) {
        self.limit = limit
    }

    public var description: String { "no answer within \(limit)" }
}

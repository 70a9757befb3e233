/// Opened once, awaited once: tells one task that another has got as far as the gate.
public struct StartGate: Sendable {
    private let stream: AsyncStream<Never>
    private let continuation: AsyncStream<Never>.Continuation

    public init() {
        (stream, continuation) = AsyncStream<Never>.makeStream()
    }

    public func open() {
        continuation.finish()
    }

    /// Returns once the gate is open (or the waiting task is cancelled). One waiter only.
    public func wait() async {
        for await _ in stream {}
    }
}

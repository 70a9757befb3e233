/// The messages of one `RedisClient.subscribe(to:)` call, in arrival order.
///
/// Iterate it from one task. The sequence ends (returns `nil`) when that task is cancelled, when
/// the iterator is dropped, or when the client shuts down; the subscription's connection is then
/// closed. It throws only when the server refuses the subscription itself (`RedisError.serverError`);
/// lost connections are reconnected and resubscribed behind the scenes.
///
/// Why a bounded buffer: a consumer that stops reading must not grow memory without limit; when
/// `RedisClient.subscriptionBufferSize` messages are waiting, newly arriving ones are dropped
/// (each logged as a warning). Redis itself disconnects a subscriber that falls too far behind.
public struct RedisSubscription: AsyncSequence, Sendable {
    public typealias Element = RedisPubSubMessage

    private let stream: AsyncThrowingStream<RedisPubSubMessage, any Error>

    init(stream: AsyncThrowingStream<RedisPubSubMessage, any Error>) {
        self.stream = stream
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: stream.makeAsyncIterator())
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<RedisPubSubMessage, any Error>.AsyncIterator

        public mutating func next() async throws -> RedisPubSubMessage? {
            try await base.next()
        }
    }
}

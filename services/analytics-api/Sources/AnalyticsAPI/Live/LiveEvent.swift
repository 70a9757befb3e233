/// One update as the subscriptions receive it. Subscribers with the same operation and
/// variables share one execution of it: the encoded result is kept here by operation key, and
/// subscribers woken at once wait for the first one's execution.
final class LiveEvent: Sendable {
    let update: LiveMetricsUpdate
    private let payloads = Memo()

    init(update: LiveMetricsUpdate) {
        self.update = update
    }

    /// The encoded result for `key`, computed once.
    func payload(for key: String, make: () async -> [UInt8]) async -> [UInt8] {
        await payloads.value(for: key, compute: make)
    }
}

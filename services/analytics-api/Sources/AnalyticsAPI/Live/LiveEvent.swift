import Synchronization

/// One update as the subscriptions receive it. Subscribers with the same operation and
/// variables share one execution of it: the encoded result is kept here by operation key.
final class LiveEvent: Sendable {
    let update: LiveMetricsUpdate
    private let payloads = Mutex<[String: [UInt8]]>([:])

    init(update: LiveMetricsUpdate) {
        self.update = update
    }

    /// The encoded result for `key`, computed by the first subscriber that asks.
    func payload(for key: String, make: () async -> [UInt8]) async -> [UInt8] {
        if let known = payloads.withLock({ $0[key] }) { return known }
        let made = await make()
        payloads.withLock { $0[key] = made }
        return made
    }
}

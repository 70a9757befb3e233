import Kafka
import Synchronization

@testable import Ingestion

/// A test double: keeps published records in memory; can be told to fail, as a Kafka outage would.
final class InMemoryEventPublisher: EventPublisher {
    private struct State {
        var records: [KafkaProducerMessage] = []
        var failure: KafkaError?
    }

    private let state = Mutex(State())

    var records: [KafkaProducerMessage] { state.withLock { $0.records } }

    func records(on topic: String) -> [KafkaProducerMessage] { records.filter { $0.topic == topic } }

    /// Every publish fails with `failure` until it is set back to nil.
    func setFailure(_ failure: KafkaError?) { state.withLock { $0.failure = failure } }

    func publish(_ records: [KafkaProducerMessage]) async -> [Result<Void, KafkaError>] {
        state.withLock { state in
            if let failure = state.failure { return records.map { _ in .failure(failure) } }
            state.records += records
            return records.map { _ in .success(()) }
        }
    }

    var inFlightCount: Int { 0 }
}

import CRdKafka
import Synchronization

/// librdkafka topic handles by name, created on first use and kept for the producer's life.
/// Producing through a handle skips librdkafka's per-record lookup of the topic by name.
final class RDKafkaTopics: Sendable {
    private struct Handle: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    private let client: RDKafkaClient
    private let handles = Mutex<[String: Handle]>([:])

    init(client: RDKafkaClient) {
        self.client = client
    }

    /// The handle for `name`; nil only if librdkafka refuses the name.
    func handle(for name: String) -> OpaquePointer? {
        handles.withLock { handles in
            if let handle = handles[name] { return handle.pointer }
            guard let created = rd_kafka_topic_new(client.handle, name, nil) else { return nil }
            handles[name] = Handle(pointer: created)
            return created
        }
    }

    deinit {
        // Before the client handle goes: topic handles must be released first.
        for handle in handles.withLock({ Array($0.values) }) {
            rd_kafka_topic_destroy(handle.pointer)
        }
    }
}

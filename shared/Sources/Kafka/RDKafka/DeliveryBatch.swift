import CRdKafka
import Foundation

/// Collects the delivery reports of one `send` call. Each record carries a pointer to its slot
/// as librdkafka's per-message opaque; the batch keeps itself alive until every report arrived.
final class DeliveryBatch: @unchecked Sendable {
    struct Slot {
        let batch: Unmanaged<DeliveryBatch>
        let index: Int
    }

    let slots: UnsafeMutablePointer<Slot>
    private let topics: [String]
    private let lock = NSLock()
    private var results: [Result<KafkaAcknowledgement, KafkaError>?]
    private var outstanding: Int
    private var waiter: CheckedContinuation<[Result<KafkaAcknowledgement, KafkaError>], Never>?

    init(topics: [String]) {
        self.topics = topics
        self.results = Array(repeating: nil, count: topics.count)
        self.outstanding = topics.count
        self.slots = .allocate(capacity: max(topics.count, 1))
        // Released by the last report, so the batch outlives a caller that stopped waiting.
        let retained = Unmanaged.passRetained(self)
        for index in topics.indices {
            (slots + index).initialize(to: Slot(batch: retained, index: index))
        }
        if topics.isEmpty { retained.release() }
    }

    func opaque(for index: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(slots + index)
    }

    func succeed(_ index: Int, partition: Int32, offset: Int64) {
        complete(index, .success(KafkaAcknowledgement(topic: topics[index], partition: partition, offset: offset)))
    }

    func complete(_ index: Int, _ result: Result<KafkaAcknowledgement, KafkaError>) {
        let (waiter, finished, results): (CheckedContinuation<[Result<KafkaAcknowledgement, KafkaError>], Never>?, Bool, [Result<KafkaAcknowledgement, KafkaError>]) = lock.withLock {
            precondition(self.results[index] == nil, "two delivery reports for one record")
            self.results[index] = result
            self.outstanding -= 1
            guard self.outstanding == 0 else { return (nil, false, []) }
            let waiter = self.waiter
            self.waiter = nil
            return (waiter, true, waiter == nil ? [] : self.results.map { $0! })
        }
        if let waiter { waiter.resume(returning: results) }
        if finished { Unmanaged.passUnretained(self).release() }
    }

    /// Suspends until every record of the batch has a result.
    func wait() async -> [Result<KafkaAcknowledgement, KafkaError>] {
        await withCheckedContinuation { continuation in
            let ready: [Result<KafkaAcknowledgement, KafkaError>]? = lock.withLock {
                if outstanding == 0 { return results.map { $0! } }
                waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    deinit {
        slots.deinitialize(count: topics.count)
        slots.deallocate()
    }

    /// librdkafka's delivery report callback; runs on the producer's polling thread.
    static let deliveryCallback: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
        _, message, _ in
        guard let message, let opaque = message.pointee._private else { return }
        let slot = opaque.assumingMemoryBound(to: Slot.self).pointee
        let batch = slot.batch.takeUnretainedValue()
        let error = message.pointee.err
        if error == RD_KAFKA_RESP_ERR_NO_ERROR {
            batch.succeed(slot.index, partition: message.pointee.partition, offset: message.pointee.offset)
        } else {
            batch.complete(slot.index, .failure(.deliveryFailed(code: error.rawValue, reason: RDKafkaClient.describe(error))))
        }
    }
}

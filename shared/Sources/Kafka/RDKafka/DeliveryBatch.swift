import CRdKafka
import Synchronization

/// Collects the delivery reports of one `send` call. Each record carries a pointer to its slot
/// as librdkafka's per-message opaque. Every slot is written once, by whoever settles that record
/// (the polling thread, or the sender for records refused locally), so reports need no lock; the
/// last one hands all results to the waiting sender.
final class DeliveryBatch: @unchecked Sendable {
    struct Slot {
        let batch: Unmanaged<DeliveryBatch>
        let index: Int
        var partition: Int32 = -1
        var offset: Int64 = -1
        var error: KafkaError?
    }

    private enum Waiter {
        case none
        case waiting(CheckedContinuation<Void, Never>)
        case finished
    }

    private let messages: [KafkaProducerMessage]
    private let slots: UnsafeMutablePointer<Slot>
    private let outstanding: Atomic<Int>
    private let waiter = Mutex<Waiter>(.none)

    init(messages: [KafkaProducerMessage]) {
        self.messages = messages
        self.outstanding = Atomic(messages.count)
        self.slots = .allocate(capacity: max(messages.count, 1))
        // Released by the last report, so the slots outlive a sender that stopped waiting.
        let retained = Unmanaged.passRetained(self)
        for index in messages.indices {
            (slots + index).initialize(to: Slot(batch: retained, index: index))
        }
        if messages.isEmpty { finish() }
    }

    func opaque(for index: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(slots + index)
    }

    /// Settles a record that never reached librdkafka.
    func fail(_ index: Int, _ error: KafkaError) {
        slots[index].error = error
        settled()
    }

    private func settled() {
        if outstanding.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            finish()
        }
    }

    private func finish() {
        let continuation: CheckedContinuation<Void, Never>? = waiter.withLock { state in
            defer { state = .finished }
            if case .waiting(let continuation) = state { return continuation }
            return nil
        }
        // Only wake the sender here: this runs on the polling thread, which must get back to
        // serving reports; the sender builds the results itself.
        continuation?.resume()
        if !messages.isEmpty { Unmanaged.passUnretained(self).release() }
    }

    /// Suspends until every record of the batch is settled.
    func wait() async -> [Result<KafkaAcknowledgement, KafkaError>] {
        await withCheckedContinuation { continuation in
            let finished = waiter.withLock { state in
                if case .finished = state { return true }
                state = .waiting(continuation)
                return false
            }
            if finished { continuation.resume() }
        }
        return results()
    }

    private func results() -> [Result<KafkaAcknowledgement, KafkaError>] {
        messages.indices.map { index in
            let slot = slots[index]
            if let error = slot.error { return .failure(error) }
            return .success(KafkaAcknowledgement(topic: messages[index].topic, partition: slot.partition, offset: slot.offset))
        }
    }

    deinit {
        slots.deinitialize(count: messages.count)
        slots.deallocate()
    }

    /// librdkafka's delivery report callback; runs on the producer's polling (or flushing) thread.
    static let deliveryCallback: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
        _, message, _ in
        guard let message, let opaque = message.pointee._private else { return }
        let slot = opaque.assumingMemoryBound(to: Slot.self)
        let error = message.pointee.err
        if error == RD_KAFKA_RESP_ERR_NO_ERROR {
            slot.pointee.partition = message.pointee.partition
            slot.pointee.offset = message.pointee.offset
        } else {
            slot.pointee.error = .deliveryFailed(code: error.rawValue, reason: RDKafkaClient.describe(error))
        }
        // The batch is alive (it holds itself until settled); skip the retain/release pair.
        slot.pointee.batch._withUnsafeGuaranteedRef { $0.settled() }
    }
}

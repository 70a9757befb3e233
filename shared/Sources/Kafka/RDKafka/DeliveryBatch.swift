import CRdKafka
import Synchronization

/// Collects the delivery reports of one `send` call. Each record carries a pointer to its slot
/// as librdkafka's per-message opaque. Every slot is written once, by whoever settles that record
/// (`DeliveryReports`, or the sender for records refused locally), so reports need no lock; the
/// last one wakes the waiting sender.
final class DeliveryBatch: @unchecked Sendable {
    /// Kept small (24 bytes): a batch's slots are written once per record and read once.
    struct Slot {
        let batch: Unmanaged<DeliveryBatch>
        var partition: Int32 = -1
        var offset: Int64 = -1
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
    /// Failures are rare, so they live beside the slots rather than in each of them.
    private let errors = Mutex<[Int: KafkaError]>([:])

    init(messages: [KafkaProducerMessage]) {
        self.messages = messages
        self.outstanding = Atomic(messages.count)
        self.slots = .allocate(capacity: max(messages.count, 1))
        // Released by the last report, so the slots outlive a sender that stopped waiting.
        let retained = Unmanaged.passRetained(self)
        for index in messages.indices {
            (slots + index).initialize(to: Slot(batch: retained))
        }
        if messages.isEmpty {
            retained.release()
            waiter.withLock { $0 = .finished }
        }
    }

    func opaque(for index: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(slots + index)
    }

    /// Settles a record that never reached librdkafka.
    func fail(_ index: Int, _ error: KafkaError) {
        errors.withLock { $0[index] = error }
        settle(1)
    }

    /// Marks `count` more records as settled; one atomic operation per run of reports.
    func settle(_ count: Int) {
        if outstanding.wrappingSubtract(count, ordering: .acquiringAndReleasing).newValue == 0 {
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
        Unmanaged.passUnretained(self).release()
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
        let errors = self.errors.withLock { $0 }
        return messages.indices.map { index in
            let slot = slots[index]
            if let error = errors[index] { return .failure(error) }
            return .success(KafkaAcknowledgement(topic: messages[index].topic, partition: slot.partition, offset: slot.offset))
        }
    }

    deinit {
        slots.deinitialize(count: messages.count)
        slots.deallocate()
    }

    /// Records one delivery report in its slot; the caller settles runs of reports with `settle(_:)`.
    static func record(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> Unmanaged<DeliveryBatch>? {
        guard let opaque = message.pointee._private else { return nil }
        let slot = opaque.assumingMemoryBound(to: Slot.self)
        let error = message.pointee.err
        if error == RD_KAFKA_RESP_ERR_NO_ERROR {
            slot.pointee.partition = message.pointee.partition
            slot.pointee.offset = message.pointee.offset
        } else {
            slot.pointee.batch._withUnsafeGuaranteedRef { batch in
                batch.errors.withLock { $0[slot - batch.slots] = .deliveryFailed(code: error.rawValue, reason: RDKafkaClient.describe(error)) }
            }
        }
        return slot.pointee.batch
    }
}

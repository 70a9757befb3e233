import Foundation
import Synchronization

/// The partitions this member owns now. The generation changes on every rebalance, so buffered
/// records of partitions that moved to another member can be dropped instead of processed twice.
final class ConsumerAssignment: Sendable {
    private let state = Mutex<(partitions: Set<KafkaTopicPartition>, generation: Int)>(([], 0))

    var generation: Int { state.withLock { $0.generation } }

    func assign(_ partitions: [KafkaTopicPartition]) {
        state.withLock {
            $0.partitions.formUnion(partitions)
            $0.generation += 1
        }
    }

    func revoke(_ partitions: [KafkaTopicPartition]) {
        state.withLock {
            $0.partitions.subtract(partitions)
            $0.generation += 1
        }
    }

    func revokeAll() -> [KafkaTopicPartition] {
        state.withLock {
            let revoked = Array($0.partitions)
            $0.partitions.removeAll()
            $0.generation += 1
            return revoked
        }
    }

    func owns(_ partition: KafkaTopicPartition) -> Bool {
        state.withLock { $0.partitions.contains(partition) }
    }

    var partitions: Set<KafkaTopicPartition> { state.withLock { $0.partitions } }
}

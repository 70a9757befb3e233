/// Non-empty batches of records; ends when the consumer closes.
public struct KafkaConsumerBatches: AsyncSequence, Sendable {
    public typealias Element = [KafkaConsumerMessage]
    let consumer: KafkaConsumer

    public struct AsyncIterator: AsyncIteratorProtocol {
        let consumer: KafkaConsumer

        public mutating func next() async throws -> [KafkaConsumerMessage]? {
            while !Task.isCancelled {
                guard let (records, generation) = try await consumer.poll() else { return nil }
                guard !records.isEmpty else { continue }
                // A rebalance during the poll may have moved some partitions away: drop their records.
                let owned =
                    generation == consumer.assignmentGeneration && records.allSatisfy { consumer.owns($0.topicPartition) }
                    ? records : records.filter { consumer.owns($0.topicPartition) }
                if !owned.isEmpty { return owned }
            }
            return nil
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(consumer: consumer) }
}

/// Records one at a time; ends when the consumer closes.
public struct KafkaConsumerMessages: AsyncSequence, Sendable {
    public typealias Element = KafkaConsumerMessage
    let batches: KafkaConsumerBatches

    public struct AsyncIterator: AsyncIteratorProtocol {
        var batches: KafkaConsumerBatches.AsyncIterator
        var buffer: [KafkaConsumerMessage] = []
        var position = 0
        var generation = 0

        public mutating func next() async throws -> KafkaConsumerMessage? {
            while true {
                while position < buffer.count {
                    let message = buffer[position]
                    position += 1
                    let consumer = batches.consumer
                    if consumer.assignmentGeneration == generation || consumer.owns(message.topicPartition) {
                        return message
                    }
                }
                guard let next = try await batches.next() else { return nil }
                buffer = next
                position = 0
                generation = batches.consumer.assignmentGeneration
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(batches: batches.makeAsyncIterator()) }
}

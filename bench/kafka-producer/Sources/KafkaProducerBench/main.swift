import Foundation
import Kafka
import Logging
import ServiceLifecycle

// Producer throughput of the Swift wrapper: N records of S bytes, acks=all, idempotent, every
// record's delivery report awaited. Same workload as raw_producer.c. Prints one JSON line.
//   kafka-producer-bench <bootstrap> <topic> <count> <size> [concurrent-batches] [batch-size]

let arguments = CommandLine.arguments
guard arguments.count >= 5, let count = Int(arguments[3]), let size = Int(arguments[4]) else {
    FileHandle.standardError.write(Data("usage: kafka-producer-bench <bootstrap> <topic> <count> <size> [concurrency] [batch]\n".utf8))
    exit(64)
}
let bootstrap = arguments[1].split(separator: ",").map(String.init)
let topic = arguments[2]
let concurrency = arguments.count > 5 ? Int(arguments[5]) ?? 8 : 8
let batchSize = arguments.count > 6 ? Int(arguments[6]) ?? 10_000 : 10_000

var logger = Logger(label: "bench")
logger.logLevel = .warning
let producer = try KafkaProducer(
    configuration: KafkaProducerConfiguration(bootstrapServers: bootstrap, clientID: "bench-swift"), logger: logger)
let payload = [UInt8](repeating: 0x61, count: size)
let keys = (0..<1000).map { Array("player-\($0)".utf8) }

let group = ServiceGroup(configuration: .init(services: [producer], logger: logger))
let (failures, seconds) = try await withThrowingTaskGroup(of: Void.self) { tasks in
    tasks.addTask {
        try await group.run()
    }
    // Warm up: metadata, producer id, connections.
    _ = await producer.send([KafkaProducerMessage(topic: topic, key: keys[0], value: payload)])

    let start = ContinuousClock.now
    let failures = await withTaskGroup(of: Int.self) { senders in
        for sender in 0..<concurrency {
            senders.addTask {
                var failures = 0
                var next = sender * batchSize
                while next < count {
                    let batch = (next..<min(next + batchSize, count)).map {
                        KafkaProducerMessage(topic: topic, key: keys[$0 % keys.count], value: payload)
                    }
                    failures += await producer.send(batch).reduce(0) { $0 + ((try? $1.get()) == nil ? 1 : 0) }
                    next += concurrency * batchSize
                }
                return failures
            }
        }
        var total = 0
        for await failures in senders { total += failures }
        return total
    }
    let elapsed = ContinuousClock.now - start
    await group.triggerGracefulShutdown()
    while try await tasks.next() != nil {}
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return (failures, seconds)
}
print(#"{"impl":"swift","messages":\#(count),"failed":\#(failures),"seconds":\#(seconds),"msgs_per_sec":\#(Int(Double(count) / seconds))}"#)

import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import GameMetricsKit
import GameMetricsTesting
import HummingbirdTesting
import Kafka
import Redis
import Testing

@testable import Processor

@Suite("processor behaviour")
struct ProcessorBehaviourTests {
    @Test("poison records go to the invalid topic with their reasons and the events behind them on the same partition are stored")
    func poisonRecordsDoNotStallThePartition() async throws {
        let corpus = EventCorpus(uniqueEvents: 50, duplicateShare: 0, players: 1, seed: 3)
        try await ProcessorFixture.run { fixture in
            // One partition for everything: the poison sits in front of the good events.
            let key = corpus.unique[0].partitionKeyBytes()
            let poison = [
                KafkaProducerMessage(topic: fixture.rawTopic, key: key, value: Array("not json {".utf8), partition: 0),
                KafkaProducerMessage(topic: fixture.rawTopic, key: key, value: Array(#"{"event_id":"nope"}"#.utf8), partition: 0),
                KafkaProducerMessage(
                    topic: fixture.rawTopic, key: Array("tenant-a:someone-else".utf8),
                    value: corpus.unique[0].jsonBytes(), partition: 0),
            ]
            let good = EventCorpus.records(corpus.unique, topic: fixture.rawTopic).map { record in
                KafkaProducerMessage(topic: record.topic, key: record.key, value: record.value, headers: record.headers, partition: 0)
            }
            try await fixture.produce(poison + good)
            try await fixture.withProcessor { _ in
                try await fixture.waitForStoredEvents(corpus.unique.count)
            }
            let invalid = try await KafkaTopicReader.read(fixture.invalidTopic, count: 3, idle: .seconds(30))
            try #require(invalid.count == 3)
            let bodies = invalid.map { try? JSONValue(parsing: $0.value) }
            let reasons = bodies.map { body -> [String] in
                guard case .object(let record) = body, case .array(let errors) = record["errors"] else { return [] }
                return errors.compactMap { error in
                    guard case .object(let fields) = error, case .string(let reason) = fields["reason"] else { return nil }
                    return reason
                }
            }
            #expect(reasons[0] == ["invalid_json"])
            #expect(reasons[1].contains("invalid_uuid"))
            #expect(reasons[2] == ["key_mismatch"])
            for body in bodies {
                guard case .object(let record) = body else { Issue.record("not a JSON object"); continue }
                #expect(record["source"] == .string("processor"))
            }
            // The undecodable one travels base64-encoded, the others as JSON.
            guard case .object(let first) = bodies[0] else { return }
            #expect(first["payload_base64"] == .string(Data("not json {".utf8).base64EncodedString()))
        }
    }

    @Test("an erasure request deletes the player's rows and state, tombstones its key and reports completion for the processor")
    func erasureRemovesThePlayer() async throws {
        let corpus = EventCorpus(uniqueEvents: 400, duplicateShare: 0, players: 4, seed: 5)
        let erased = corpus.unique[0]
        try await ProcessorFixture.run { fixture in
            try await fixture.produce(EventCorpus.records(corpus.unique, topic: fixture.rawTopic))
            try await fixture.withProcessor { _ in
                try await fixture.waitForStoredEvents(corpus.unique.count)
                let request = ErasureRequested(
                    requestID: UUID(), tenantID: erased.tenantID, playerID: erased.playerID, requestedAt: Date(), requestedBy: "test")
                try await fixture.produce([
                    KafkaProducerMessage(
                        topic: fixture.erasureTopic, key: ErasureMessage.requested(request).key, value: try ErasureMessage.requested(request).encoded())
                ])
                // The request and the processor's completion; joining the group can take a while
                // on a busy machine, so the reader waits long before giving up.
                let messages = try await KafkaTopicReader.read(fixture.erasureTopic, count: 2, idle: .seconds(60))
                let completions = messages.compactMap { try? ErasureMessage.decode($0.value) }.compactMap { message -> ErasureCompleted? in
                    if case .completed(let completion) = message { return completion }
                    return nil
                }
                #expect(completions.count == 1)
                #expect(completions.first?.requestID == request.requestID)
                #expect(completions.first?.service == "processor")
                #expect(completions.first?.status == .completed)
                let erasedEvents = corpus.unique.filter { $0.tenantID == erased.tenantID && $0.playerID == erased.playerID }.count
                #expect(completions.first?.deleted?["events_raw"] == erasedEvents)
                #expect(completions.first?.deleted?["player_state"] == 1)
            }
            let remaining = try await fixture.query(
                "SELECT count(*)::bigint FROM events_raw WHERE tenant_id = \(erased.tenantID) AND player_id = \(erased.playerID)", as: Int64.self)
            #expect(remaining == [0])
            let state = try await fixture.query(
                "SELECT count(*)::bigint FROM player_state WHERE tenant_id = \(erased.tenantID) AND player_id = \(erased.playerID)", as: Int64.self)
            #expect(state == [0])
            let activity = try await fixture.query(
                "SELECT count(*)::bigint FROM player_activity WHERE tenant_id = \(erased.tenantID) AND player_id = \(erased.playerID)", as: Int64.self)
            #expect(activity == [0])
            let others = try await fixture.query("SELECT count(*)::bigint FROM player_state", as: Int64.self)
            #expect(others == [3])
            // The processed topic ends with a tombstone for the erased key.
            // Everything on the topic: one state per player per batch, then the tombstone.
            let processed = try await KafkaTopicReader.read(fixture.processedTopic, count: .max, idle: .seconds(5))
            let erasedKey = erased.partitionKeyBytes()
            let last = processed.last { $0.key == erasedKey }
            #expect(last?.isTombstone == true)
            #expect(processed.contains { $0.key == erasedKey && !$0.isTombstone }, "the player's state was published before")
        }
    }

    @Test("GET /v1/lag reports every owned partition and falls to zero once the topic is consumed; live deltas reach Redis")
    func lagAndLiveDeltas() async throws {
        let corpus = EventCorpus(uniqueEvents: 1_000, duplicateShare: 0, seed: 9)
        try await ProcessorFixture.run { fixture in
            let redis = RedisClient(configuration: try RedisConfiguration(url: fixture.redisURL))
            let subscription = redis.subscribe(to: ["gm:live:tenant-a"])
            // /v1/lag is an operator endpoint: it is served on the internal port only.
            let internalPort = try PlatformContract.freeLoopbackPort()
            try await fixture.withProcessor(environment: ["GM_INTERNAL_HTTP_PORT": String(internalPort)]) { _ in
                let firstDelta = Task {
                    for try await message in subscription { return message.text }
                    return ""
                }
                // Subscribing takes a moment; events come after.
                try await Task.sleep(for: .milliseconds(500))
                try await fixture.produce(EventCorpus.records(corpus.unique, topic: fixture.rawTopic))
                try await fixture.waitForStoredEvents(corpus.unique.count)
                let delta = try await withTimeout(.seconds(10)) { try await firstDelta.value }
                let body = try JSONValue(parsing: Array(delta.utf8))
                guard case .object(let fields) = body, case .array(let deltas) = fields["deltas"] else {
                    Issue.record("not a delta: \(delta)")
                    return
                }
                #expect(fields["tenant_id"] == .string("tenant-a"))
                #expect(!deltas.isEmpty)

                var lag: JSONValue = .null
                for _ in 0..<120 {
                    let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(internalPort)/v1/lag")!)
                    #expect((response as? HTTPURLResponse)?.statusCode == 200)
                    lag = try JSONValue(parsing: Array(data))
                    if case .object(let fields) = lag, fields["total_lag"] == .number("0"),
                        case .array(let partitions) = fields["partitions"], partitions.count == 24
                    {
                        break
                    }
                    try await Task.sleep(for: .milliseconds(500))
                }
                guard case .object(let fields) = lag, case .array(let partitions) = fields["partitions"] else {
                    Issue.record("not a lag report: \(lag)")
                    return
                }
                #expect(fields["group"] == .string(fixture.group))
                #expect(fields["total_lag"] == .number("0"))
                #expect(partitions.count == 24)
            }
            await redis.shutdown()
        }
    }
}

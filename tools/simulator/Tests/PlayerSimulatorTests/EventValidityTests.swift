import Foundation
import GameMetricsKit
import Testing
@testable import PlayerSimulator

@Suite("Generated events against the platform's envelope rules")
struct EventValidityTests {
    /// Judges events as ingestion would at the moment the last of them occurred.
    static func parser(for events: [SimulatedEvent]) -> EventBatchParser {
        let now = Date(timeIntervalSince1970: Double(events.map(\.occurredAtMicros).max()!) / 1_000_000)
        return EventBatchParser(validator: EventValidator(now: { now }))
    }

    static func batches(_ events: [SimulatedEvent], batchSize: Int = 100) -> [OutgoingBatch] {
        var assembler = BatchAssembler(tenantCount: 2, maxEvents: batchSize, linger: 0.5)
        var batches: [OutgoingBatch] = []
        for (i, event) in events.enumerated() { batches += assembler.add(event, offset: Double(i) / 200) }
        return batches + assembler.flush()
    }

    @Test("Every generated event passes ingestion's batch parser and validator")
    func everyEventIsValid() throws {
        let events = TestTraffic.events(30_000)
        let parser = Self.parser(for: events)
        let byID = Dictionary(uniqueKeysWithValues: events.map { ($0.eventID, $0) })
        var accepted = 0
        for batch in Self.batches(events, batchSize: 500) {
            #expect(batch.body.count <= EventBatchParser.defaultMaxBodyBytes)
            let parsed = try parser.parse(batch.body, tenantID: "tenant-\(batch.tenantIndex)")
            #expect(parsed.isBatch)
            #expect(parsed.rejections.isEmpty, "rejected: \(parsed.rejections.map(\.errors))")
            for event in parsed.accepted {
                let original = try #require(byID[event.eventID])
                #expect(original.tenantIndex == batch.tenantIndex)
                #expect(event.tenantID == "tenant-\(batch.tenantIndex)")
                #expect(event.playerID == original.playerID)
                #expect(event.type == original.type)
                #expect(event.gameID == original.gameID)
                #expect(event.amount == original.amount)
                #expect(Int64((event.occurredAt.timeIntervalSince1970 * 1_000_000).rounded()) == original.occurredAtMicros)
                #expect(event.type.requiresGameID ? event.gameID != nil : true)
                #expect(event.type.requiresAmount ? event.amount != nil : true)
                #expect(event.properties.byteCount <= 8192)
            }
            accepted += parsed.accepted.count
        }
        #expect(accepted == events.count)
    }

    @Test("Each dry-run line is one valid event object, without tenant_id")
    func dryRunLinesAreSingleEvents() throws {
        let lines = TestTraffic.jsonLines(2000).split(separator: UInt8(ascii: "\n"))
        #expect(lines.count == 2000)
        let validator = EventValidator(now: { TestTraffic.start.addingTimeInterval(60) })
        for line in lines {
            let result = validator.validate(Array(line), tenantID: "demo-casino")
            #expect(result.isValid, "\(result.errors)")
            #expect(!String(decoding: line, as: UTF8.self).contains("tenant_id"))
        }
    }

    @Test("Every event type of the envelope occurs, and event ids are unique lowercase UUIDs")
    func allTypesAndUniqueIDs() throws {
        let events = TestTraffic.events(20_000)
        #expect(Set(events.map(\.type)) == Set(EventType.allCases))
        #expect(Set(events.map(\.eventID)).count == events.count)
        let text = String(decoding: TestTraffic.jsonLines(200), as: UTF8.self)
        let ids = text.split(separator: "\n").map { String($0.dropFirst(#"{"event_id":""#.count).prefix(36)) }
        #expect(ids.allSatisfy { $0 == $0.lowercased() && UUID(uuidString: $0) != nil })
    }

    @Test("Timestamps are RFC 3339 with microseconds and never go back in stream order")
    func timestamps() {
        var encoder = EventJSONEncoder()
        var previous = Int64.min
        for event in TestTraffic.events(5000, TestTraffic.configuration(rate: 777)) {
            #expect(event.occurredAtMicros >= previous)
            previous = event.occurredAtMicros
            var bytes: [UInt8] = []
            encoder.appendTimestamp(event.occurredAtMicros, to: &bytes)
            let date = Date(timeIntervalSince1970: Double(event.occurredAtMicros) / 1_000_000)
            #expect(String(decoding: bytes, as: UTF8.self) == RFC3339.format(date))
        }
    }

    @Test("A settlement names its bet, pays what its amount says and agrees with its outcome")
    func settlementsMatchBets() throws {
        var openBets: [String: SimulatedEvent] = [:]
        var settled = 0
        for event in TestTraffic.events(40_000) {
            let key = "\(event.tenantIndex)/\(event.playerID)"
            switch event.type {
            case .betPlaced:
                #expect(openBets[key] == nil, "a player has one bet open at a time")
                openBets[key] = event
            case .betSettled:
                let open = openBets.removeValue(forKey: key)
                let bet = try #require(open)
                #expect(event.property("bet_event_id") == .uuid(bet.eventID))
                #expect(event.property("round_id") == bet.property("round_id"))
                #expect(event.property("stake_minor") == .int(bet.amount!.minor))
                #expect(event.property("payout_minor") == .int(event.amount!.minor))
                #expect(event.property("outcome") == .string(event.amount!.minor > 0 ? "win" : "loss"))
                #expect(event.amount!.currency == bet.amount!.currency)
                #expect(event.gameID == bet.gameID)
                settled += 1
            default:
                break
            }
        }
        #expect(settled > 5000)
    }

    @Test("Sessions open before anything else, close once, and report their duration")
    func sessionLifecycle() throws {
        var openedAt: [String: Int64] = [:]
        var ended = 0
        for event in TestTraffic.events(40_000) {
            let key = "\(event.tenantIndex)/\(event.playerID)"
            switch event.type {
            case .sessionStart:
                #expect(openedAt[key] == nil)
                openedAt[key] = event.occurredAtMicros
            case .sessionEnd:
                let opened = openedAt.removeValue(forKey: key)
                let start = try #require(opened)
                #expect(event.property("duration_ms") == .int((event.occurredAtMicros - start) / 1000))
                ended += 1
            default:
                #expect(openedAt[key] != nil, "\(event.type) outside a session")
            }
        }
        #expect(ended > 100)
    }
}

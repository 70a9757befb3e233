import Foundation
import GameMetricsKit
import GraphQL
import Kafka
import Synchronization
import Testing

@testable import AnalyticsAPI

@Suite("analytics-api's pieces, without servers")
struct AnalyticsUnitTests {
    static let limits = QueryLimits(maxDepth: 8, maxComplexity: 1_000, maxRangeDays: 400, maxPoints: 5_000, maxDocumentBytes: 16_384)

    static func operation(_ text: String) throws -> (OperationDefinition, Document) {
        let document = try parse(source: Source(body: text))
        return (try #require(document.definitions.compactMap { $0 as? OperationDefinition }.first), document)
    }

    @Test("depth counts nested selections through fragments; complexity counts every aliased field and multiplies pages by `first`")
    func limits() throws {
        let (shallow, shallowDocument) = try Self.operation("{ topGames(by: PLAYERS, from: \"a\", to: \"b\") { edges { node { gameId } } } }")
        #expect(QueryLimits.depth(of: shallow.selectionSet, fragments: [:], level: 1) == 4)
        #expect(Self.limits.problem(with: shallow, in: shallowDocument, variables: [:]) == nil)
        let (spread, spreadDocument) = try Self.operation("query { ...A } fragment A on Query { topGames(by: PLAYERS, from: \"a\", to: \"b\") { edges { node { gameId } } } }")
        #expect(QueryLimits.depth(of: spread.selectionSet, fragments: QueryLimits.fragments(of: spreadDocument), level: 1) == 4)
        // topGames: 1 + 10 (its reads) + first x (edges 1 + node 1 + gameId 1).
        let (paged, _) = try Self.operation("query($n: Int) { topGames(by: PLAYERS, from: \"a\", to: \"b\", first: $n) { edges { node { gameId } } } }")
        #expect(QueryLimits.complexity(of: paged.selectionSet, fragments: [:], variables: ["n": 50], root: true) == 11 + 50 * 3)
        let aliases = (0..<60).map { "o\($0): overview(from: \"a\", to: \"b\") { events }" }.joined(separator: " ")
        let (wide, wideDocument) = try Self.operation("{ \(aliases) }")
        #expect(QueryLimits.complexity(of: wide.selectionSet, fragments: [:], variables: [:], root: true) == 60 * 22)
        #expect(Self.limits.problem(with: wide, in: wideDocument, variables: [:])?.contains("complexity is 1320") == true)
        let (deep, deepDocument) = try Self.operation("{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }")
        #expect(Self.limits.problem(with: deep, in: deepDocument, variables: [:])?.contains("nested 9 levels") == true)
    }

    @Test("a range is answered by minutes to the hour, hours to the day, days, then hours and minutes")
    func spans() throws {
        let kept = Date(timeIntervalSince1970: 0)
        let window = try TimeWindow(from: "2026-11-01T22:30:10Z", to: "2026-11-04T01:15:00Z", limits: Self.limits, minuteGrainKeptSince: kept)
        #expect(RFC3339.format(window.from) == "2026-11-01T22:30:00.000000Z")
        #expect(
            window.spans.map { "\($0.grain.rawValue) \(RFC3339.format($0.from).prefix(16))-\(RFC3339.format($0.to).prefix(16))" } == [
                "minute 2026-11-01T22:30-2026-11-01T23:00", "hour 2026-11-01T23:00-2026-11-02T00:00", "day 2026-11-02T00:00-2026-11-04T00:00",
                "hour 2026-11-04T00:00-2026-11-04T01:00", "minute 2026-11-04T01:00-2026-11-04T01:15",
            ])
        // Where minutes are no longer kept, the range widens to whole hours.
        let old = try TimeWindow(from: "2026-11-01T22:30:10Z", to: "2026-11-01T23:15:00Z", limits: Self.limits, minuteGrainKeptSince: RFC3339.parse("2026-12-01T00:00:00Z")!)
        #expect(old.spans.map(\.grain) == [.hour])
        #expect(throws: AnalyticsError.self) { try TimeWindow(from: "2026-11-02T00:00:00Z", to: "2026-11-01T00:00:00Z", limits: Self.limits, minuteGrainKeptSince: kept) }
        #expect(throws: AnalyticsError.self) { try TimeWindow(from: "2020-01-01T00:00:00Z", to: "2026-11-01T00:00:00Z", limits: Self.limits, minuteGrainKeptSince: kept) }
        #expect(throws: AnalyticsError.self) { try TimeWindow(from: "yesterday", to: "2026-11-01T00:00:00Z", limits: Self.limits, minuteGrainKeptSince: kept) }
    }

    @Test("days in UTC come from the daily rows, in whole-hour zones from the hourly ones, in +05:30 from the minutes while they are kept")
    func seriesPlans() throws {
        let window = TimeWindow(exactly: RFC3339.parse("2026-11-20T00:00:00Z")!, RFC3339.parse("2026-11-27T00:00:00Z")!)
        let kept = RFC3339.parse("2026-11-01T00:00:00Z")!
        func source(_ grain: SeriesGrain, _ zone: String) throws -> StoredGrain {
            try SeriesPlan(grain: grain, window: window, timeZone: zone, limits: Self.limits, minuteGrainKeptSince: kept).source
        }
        #expect(try source(.day, "UTC") == .day)
        #expect(try source(.day, "Europe/Malta") == .hour)
        #expect(try source(.hour, "America/New_York") == .hour)
        #expect(try source(.day, "Asia/Kolkata") == .minute)
        #expect(try source(.hour, "Asia/Kathmandu") == .minute)
        let late = RFC3339.parse("2026-11-25T00:00:00Z")!
        do {
            _ = try SeriesPlan(grain: .day, window: window, timeZone: "Asia/Kolkata", limits: Self.limits, minuteGrainKeptSince: late)
            Issue.record("+05:30 days before the kept minutes were planned")
        } catch {
            #expect(error.code == .grainNotKept)
        }
        #expect(throws: AnalyticsError.self) { try SeriesPlan(grain: .day, window: window, timeZone: "Nowhere/Atlantis", limits: Self.limits, minuteGrainKeptSince: kept) }
        #expect(throws: AnalyticsError.self) { try SeriesPlan(grain: .minute, window: window, timeZone: "UTC", limits: Self.limits, minuteGrainKeptSince: kept) }
    }

    @Test("persisted queries: by hash, by text, a mismatched hash refused, and with only-listed nothing else")
    func persistedQueries() throws {
        let text = "{ __typename }"
        let hash = PersistedQueries.hash(text)
        let open = PersistedQueries(queries: [hash: text], onlyListed: false)
        #expect(try open.query(text: nil, hash: hash) == text)
        #expect(try open.query(text: "{ other }", hash: nil) == "{ other }")
        #expect(throws: AnalyticsError.self) { try open.query(text: "{ other }", hash: hash) }
        #expect(throws: AnalyticsError.self) { try open.query(text: nil, hash: "00") }
        let closed = PersistedQueries(queries: [hash: text], onlyListed: true)
        #expect(try closed.query(text: text, hash: nil) == text)
        #expect(throws: AnalyticsError.self) { try closed.query(text: "{ other }", hash: nil) }
    }

    @Test("the bundled allow-list holds only operations valid against the schema, each under its own hash")
    func bundledAllowList() throws {
        let listed = try PersistedQueries(contentsOf: PersistedQueriesFile.url, onlyListed: true)
        #expect(!listed.queries.isEmpty)
        // The list is the cookbook's queries (services/analytics-api/queries), each file as is.
        let directory = PersistedQueriesFile.url.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("queries")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".graphql") }
        let texts = try files.map { try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }
        #expect(Set(texts.map(PersistedQueries.hash)) == Set(listed.queries.keys), "persisted-queries.json is not the queries directory: regenerate it (README, Persisted queries)")
        let schema = try AnalyticsSchema.make()
        for (_, text) in listed.queries {
            let errors = validate(schema: schema.schema, ast: try parse(source: Source(body: text)), rules: specifiedRules)
            #expect(errors.isEmpty, "\(text): \(errors)")
        }
    }

    @Test("the checked-in schema.graphql is the running schema")
    func sdlIsCurrent() throws {
        let file = PersistedQueriesFile.url.deletingLastPathComponent().appendingPathComponent("schema.graphql")
        let checkedIn = try String(contentsOf: file, encoding: .utf8)
        let running = printSchema(schema: try AnalyticsSchema.make().schema) + "\n"
        #expect(checkedIn == running, "schema.graphql is stale: regenerate it with `analytics-api print-schema > services/analytics-api/Sources/AnalyticsAPI/schema.graphql`")
    }

    @Test("graphql-transport-ws messages parse, and anything else is a protocol violation")
    func transportMessages() {
        guard case .success(.connectionInit(let token)) = TransportWSMessage.parse(#"{"type":"connection_init","payload":{"authorization":"Bearer abc"}}"#) else {
            Issue.record("connection_init")
            return
        }
        #expect(token == "abc")
        guard case .success(.subscribe(let id, let request)) = TransportWSMessage.parse(#"{"type":"subscribe","id":"7","payload":{"query":"{ a }"}}"#) else {
            Issue.record("subscribe")
            return
        }
        #expect(id == "7" && request.query == "{ a }")
        for bad in ["{", #"{"type":"subscribe","payload":{"query":"{ a }"}}"#, #"{"type":"shout"}"#, #"{"type":"subscribe","id":"1","payload":3}"#] {
            guard case .failure = TransportWSMessage.parse(bad) else {
                Issue.record("accepted \(bad)")
                continue
            }
        }
        #expect(TransportWSMessage.next(id: "a\"b", payload: Array(#"{"data":null}"#.utf8)) == #"{"type":"next","id":"a\"b","payload":{"data":null}}"#)
    }

    @Test("a cursor comes back as given, and a forged or another ranking's cursor is refused")
    func cursors() throws {
        let cursor = GameCursor(ranking: .players, value: 12, gameID: "g/1+")
        #expect(try GameCursor(text: cursor.text, ranking: .players) == cursor)
        #expect(throws: AnalyticsError.self) { try GameCursor(text: cursor.text, ranking: .rounds) }
        #expect(throws: AnalyticsError.self) { try GameCursor(text: "not-a-cursor", ranking: .players) }
    }

    @Test("a batch of invalid-event records counts each event once per reason, skips what was counted, and passes what it cannot read")
    func invalidEventTally() {
        let now = RFC3339.parse("2026-12-07T10:20:30Z")!
        func record(_ offset: Int64, _ tenant: String, _ reasons: [String]) -> KafkaConsumerMessage {
            let value = InvalidEventRecord(
                tenantID: tenant, source: "ingestion", receivedAt: now, index: nil, errors: reasons.map { FieldError(field: "f", reason: $0) },
                payload: .json(Array("{}".utf8))
            ).jsonBytes()
            return KafkaConsumerMessage(topic: "invalid", partition: 0, offset: offset, key: nil, value: value, headers: [], timestamp: nil)
        }
        let batch = [
            record(5, "a", ["required", "required", "invalid_type"]), record(6, "b", ["too_old"]),
            KafkaConsumerMessage(topic: "invalid", partition: 0, offset: 7, key: nil, value: Array("garbage".utf8), headers: [], timestamp: nil),
        ]
        let tally = InvalidEventTally(batch)
        #expect(tally.unreadable == 1)
        #expect(tally.nextOffsets == [KafkaTopicPartition(topic: "invalid", partition: 0): 8])
        let counts = tally.counts(skipping: [:])
        #expect(Set(counts["a"]?.map { "\($0.reason)=\($0.events)" } ?? []) == ["required=1", "invalid_type=1"])
        #expect(counts["a"]?.first?.hour == RFC3339.parse("2026-12-07T10:00:00Z"))
        #expect(tally.counts(skipping: [KafkaTopicPartition(topic: "invalid", partition: 0): 6]).keys.sorted() == ["b"])
    }

    @Test("concurrent misses of one key share one computation, and when it fails each waiter computes for itself")
    func sharedComputations() async throws {
        final class Runs: Sendable {
            let count = Mutex(0)
            func add() { count.withLock { $0 += 1 } }
        }
        let shared = SharedComputations()
        let runs = Runs()
        let gate = StartGate()
        let answers = try await withThrowingTaskGroup(of: Data.self) { group in
            group.addTask {
                try await shared.answer(for: "k") {
                    runs.add()
                    await gate.wait()
                    return Data("one".utf8)
                }
            }
            // The others arrive while the first is still computing.
            try await Task.sleep(for: .milliseconds(50))
            for _ in 0..<20 {
                group.addTask {
                    try await shared.answer(for: "k") {
                        runs.add(); return Data("again".utf8)
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(50))
            gate.open()
            return try await group.reduce(into: [Data]()) { $0.append($1) }
        }
        #expect(answers.count == 21 && Set(answers) == [Data("one".utf8)])
        #expect(runs.count.withLock { $0 } == 1)

        struct Failed: Error {}
        let failing = StartGate()
        let recovered = try await withThrowingTaskGroup(of: Data?.self) { group in
            group.addTask {
                try? await shared.answer(for: "f") { () async throws -> Data in
                    await failing.wait()
                    throw Failed()
                }
            }
            try await Task.sleep(for: .milliseconds(50))
            group.addTask { try await shared.answer(for: "f") { Data("own".utf8) } }
            try await Task.sleep(for: .milliseconds(50))
            failing.open()
            return try await group.reduce(into: [Data?]()) { $0.append($1) }
        }
        #expect(recovered.compactMap { $0 } == [Data("own".utf8)])
    }

    @Test("an execution's memo computes each value once, optional values too, and keeps no failure")
    func operationMemo() async throws {
        final class Runs: Sendable {
            let count = Mutex(0)
            func add() { count.withLock { $0 += 1 } }
        }
        let memo = Memo(), runs = Runs()
        let first: Int? = try await memo.value(for: "k") {
            runs.add()
            return 3
        }
        let again: Int? = try await memo.value(for: "k") {
            runs.add()
            return 4
        }
        #expect(first == 3 && again == 3)
        #expect(runs.count.withLock { $0 } == 1)
        struct Failed: Error {}
        await #expect(throws: Failed.self) {
            let _: Int? = try await memo.value(for: "f") { throw Failed() }
        }
        let recovered: Int? = try await memo.value(for: "f") { 5 }
        #expect(recovered == 5)
    }

    @Test("subscribers woken together by one update share one execution of their operation")
    func liveEventSharesOneExecution() async throws {
        final class Runs: Sendable {
            let count = Mutex(0)
            func add() { count.withLock { $0 += 1 } }
        }
        let event = LiveEvent(update: LiveMetricsUpdate(tenantId: "a", storedAt: "2026-12-07T00:00:00Z", deltas: []))
        let runs = Runs(), gate = StartGate()
        let payloads = await withTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<50 {
                group.addTask {
                    await event.payload(for: "k") {
                        runs.add()
                        await gate.wait()
                        return Array("result".utf8)
                    }
                }
            }
            try? await Task.sleep(for: .milliseconds(100))
            gate.open()
            return await group.reduce(into: [[UInt8]]()) { $0.append($1) }
        }
        #expect(payloads.count == 50 && Set(payloads) == [Array("result".utf8)])
        #expect(runs.count.withLock { $0 } == 1)
    }

    @Test("the live channel prefix is matched literally")
    func globEscaping() {
        #expect(LiveMetricsHub.globEscaped("gm:live:") == "gm:live:")
        #expect(LiveMetricsHub.globEscaped("a*b?[c]\\") == "a\\*b\\?\\[c\\]\\\\")
    }
}

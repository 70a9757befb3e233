import GameMetricsKit
import GameMetricsTesting
import Synchronization
import Testing

/// Time in these tests is a clock moved by hand and fetches wait at a gate the test opens, so
/// the outcomes do not depend on how fast a loaded machine schedules the tasks.
@Suite("a refreshing value fetches once for all callers, not too often, and serves the last good value")
struct RefreshingValueTests {
    struct SourceDown: Error, Equatable {}

    /// A source whose answers the test controls: each fetch counts itself, waits while the gate
    /// is closed, then returns its number or fails while `failing` is set.
    final class Source: Sendable {
        private struct State {
            var fetches = 0
            var failing = false
            var gateOpen = true
            var waiting: [CheckedContinuation<Void, Never>] = []
        }

        private let state = Mutex(State())

        var fetches: Int { state.withLock { $0.fetches } }
        /// Fetches started and now held at the closed gate.
        var waitingAtGate: Int { state.withLock { $0.waiting.count } }
        func fail(_ failing: Bool) { state.withLock { $0.failing = failing } }
        func closeGate() { state.withLock { $0.gateOpen = false } }

        func openGate() {
            let waiting = state.withLock { state in
                state.gateOpen = true
                defer { state.waiting = [] }
                return state.waiting
            }
            for continuation in waiting { continuation.resume() }
        }

        func fetch() async throws -> Int {
            let number = state.withLock { state in
                state.fetches += 1
                return state.fetches
            }
            await withCheckedContinuation { continuation in
                let open = state.withLock { state in
                    if !state.gateOpen { state.waiting.append(continuation) }
                    return state.gateOpen
                }
                if open { continuation.resume() }
            }
            if state.withLock({ $0.failing }) { throw SourceDown() }
            return number
        }
    }

    @Test("a hundred concurrent callers share one fetch")
    func concurrentCallersShareOneFetch() async throws {
        let source = Source()
        source.closeGate()
        let value = RefreshingValue(freshFor: .seconds(60), usableFor: nil, minimumInterval: .seconds(60)) {
            try await source.fetch()
        }
        let callers = Task {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<100 { group.addTask { try await value.value() } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
        }
        try await eventually(.seconds(20), every: .milliseconds(10)) { source.waitingAtGate == 1 }
        try await Task.sleep(for: .milliseconds(100))
        source.openGate()
        #expect(try await callers.value == Array(repeating: 1, count: 100))
        #expect(source.fetches == 1)
    }

    @Test("refresh requests within the minimum interval get the held value; after it, many callers cause one fetch")
    func minimumIntervalBetweenFetches() async throws {
        let clock = ManualClock()
        let source = Source()
        let value = RefreshingValue(freshFor: .seconds(60), usableFor: nil, minimumInterval: .seconds(10), now: { clock.now }) {
            try await source.fetch()
        }
        #expect(try await value.value() == 1)
        clock.advance(by: .seconds(9))
        for _ in 0..<50 { #expect(try await value.refresh() == 1) }
        #expect(source.fetches == 1, "no fetch within the minimum interval, however often a refresh is asked for")

        clock.advance(by: .seconds(1))
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 { group.addTask { try await value.refresh() } }
            return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
        }
        #expect(source.fetches == 2)
        #expect(results == [2])
    }

    @Test("a failed fetch is not retried before the minimum interval; callers get its error meanwhile")
    func failuresAreRateLimitedToo() async throws {
        let clock = ManualClock()
        let source = Source()
        source.fail(true)
        let value = RefreshingValue(freshFor: .seconds(60), usableFor: nil, minimumInterval: .seconds(1), now: { clock.now }) {
            try await source.fetch()
        }
        for _ in 0..<20 {
            await #expect(throws: SourceDown.self) { try await value.value() }
            clock.advance(by: .milliseconds(40))
        }
        #expect(source.fetches == 1)

        source.fail(false)
        await #expect(throws: SourceDown.self, "still within the interval") { try await value.value() }
        clock.advance(by: .milliseconds(200))
        #expect(try await value.value() == 2)
        #expect(source.fetches == 2)
    }

    @Test("while refreshing fails the last good value serves, until it is older than usableFor")
    func lastGoodValueUntilMaximumStaleness() async throws {
        let clock = ManualClock()
        let source = Source()
        let value = RefreshingValue(
            freshFor: .seconds(10), usableFor: .seconds(30), minimumInterval: .seconds(1), now: { clock.now }
        ) {
            try await source.fetch()
        }
        #expect(try await value.value() == 1)
        source.fail(true)
        clock.advance(by: .seconds(11))
        #expect(try await value.value() == 1, "stale, refresh failed, still within usableFor")
        #expect(source.fetches == 2)
        #expect(value.latest == 1)
        clock.advance(by: .milliseconds(500))
        #expect(try await value.value() == 1, "within the minimum interval: no fetch, the stale value")
        #expect(source.fetches == 2)

        clock.advance(by: .seconds(19))
        await #expect(throws: SourceDown.self) { try await value.value() }
        #expect(value.latest == nil)
        #expect(source.fetches == 3)

        source.fail(false)
        clock.advance(by: .seconds(1))
        #expect(try await value.value() == 4)
    }

    @Test("a cancelled caller stops waiting at once, and the fetch it started still serves the others")
    func cancellationDoesNotCancelTheSharedFetch() async throws {
        let source = Source()
        source.closeGate()
        let value = RefreshingValue(freshFor: .seconds(60), usableFor: nil, minimumInterval: .seconds(60)) {
            try await source.fetch()
        }
        let first = Task { try await value.value() }
        try await eventually(.seconds(20), every: .milliseconds(10)) { source.waitingAtGate == 1 }
        let others = Task {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 { group.addTask { try await value.value() } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
        }
        first.cancel()
        // The fetch is still held at the gate: the cancelled caller returns without it.
        await #expect(throws: CancellationError.self) { try await first.value }
        #expect(source.waitingAtGate == 1, "the fetch is still running")

        source.openGate()
        #expect(try await others.value == Array(repeating: 1, count: 10))
        #expect(source.fetches == 1, "the fetch the cancelled caller started was neither cancelled nor repeated")
        #expect(try await value.value() == 1)
    }

    @Test("an invalidated value is fetched again, no sooner than the minimum interval")
    func invalidationRefetchesAfterTheInterval() async throws {
        let source = Source()
        let value = RefreshingValue(freshFor: .seconds(60), usableFor: nil, minimumInterval: .milliseconds(300)) {
            try await source.fetch()
        }
        let started = ContinuousClock.now
        #expect(try await value.value() == 1)
        value.invalidate()
        #expect(value.latest == nil)
        async let a = value.value()
        async let b = value.value()
        #expect(try await [a, b] == [2, 2])
        #expect(source.fetches == 2)
        #expect(ContinuousClock.now - started >= .milliseconds(300))
    }

    @Test("each fetched value may say how long it serves")
    func lifetimeComesWithTheValue() async throws {
        let source = Source()
        let value = RefreshingValue<Int>(minimumInterval: .zero) {
            let number = try await source.fetch()
            // The first value is stale at once; the second serves for a minute.
            let lifetime =
                number == 1
                ? RefreshingValue<Int>.Lifetime(freshFor: .zero, usableFor: .zero)
                : RefreshingValue<Int>.Lifetime(freshFor: .seconds(60), usableFor: .seconds(60))
            return (number, lifetime)
        }
        #expect(try await value.value() == 1)
        #expect(try await value.value() == 2)
        #expect(try await value.value() == 2)
        #expect(source.fetches == 2)
    }

    @Test("a replaced value is not overwritten by a fetch that started before it")
    func replaceWinsOverAnOlderFetch() async throws {
        let source = Source()
        source.closeGate()
        let value = RefreshingValue(freshFor: .seconds(60), usableFor: nil, minimumInterval: .zero) {
            try await source.fetch()
        }
        let fetching = Task { try await value.value() }
        try await eventually(.seconds(20), every: .milliseconds(10)) { source.waitingAtGate == 1 }
        value.replace(with: 42, lifetime: .init(freshFor: .seconds(60), usableFor: nil))
        source.openGate()
        #expect(try await fetching.value == 42)
        #expect(try await value.value() == 42)
    }
}

import Testing

/// Polls `condition` every `interval` until it holds; records an issue at the caller and throws
/// ``ConditionNeverHeld`` when `limit` passes first.
public func eventually(
    _ limit: Duration = .seconds(30), every interval: Duration = .milliseconds(200), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    guard try await holdsEventually(within: limit, every: interval, condition) else {
        Issue.record("condition did not hold within \(limit)", sourceLocation: sourceLocation)
        throw ConditionNeverHeld(limit: limit)
    }
}

/// Polls `condition` every `interval` until it holds or `limit` passes, then checks it once more;
/// returns whether it held, for `#expect(await holdsEventually { ... })`.
public func holdsEventually(
    within limit: Duration = .seconds(5), every interval: Duration = .milliseconds(20), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}

public struct ConditionNeverHeld: Error, CustomStringConvertible {
    public let limit: Duration
    public var description: String { "condition did not hold within \(limit)" }
}

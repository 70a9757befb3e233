import Testing

/// Polls `condition` every 200 ms until it holds; records an issue at the caller and throws
/// ``ConditionNeverHeld`` when `limit` passes first.
public func eventually(
    _ limit: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation, _ condition: @Sendable () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(200))
    }
    Issue.record("condition did not hold within \(limit)", sourceLocation: sourceLocation)
    throw ConditionNeverHeld(limit: limit)
}

public struct ConditionNeverHeld: Error, CustomStringConvertible {
    public let limit: Duration
    public var description: String { "condition did not hold within \(limit)" }
}

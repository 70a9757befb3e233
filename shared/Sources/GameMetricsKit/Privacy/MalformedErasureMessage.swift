/// A record on `privacy.erasure` that no participant can use: not JSON, not an object, a known
/// type with missing or ill-typed fields, or a field no store can hold. `reason` says which, in
/// words an operator reading the dead-letter topic understands.
public struct MalformedErasureMessage: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

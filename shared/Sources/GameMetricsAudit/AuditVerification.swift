/// What ``AuditVerifier/verify(anchoredIn:)`` found: the rows' verdict, the head anchor it
/// checked them against, how many daily digests verified, and every problem (empty when the
/// chain, its anchor and its digests all hold).
public struct AuditVerification: Sendable, Equatable {
    public let rows: AuditVerifier.Result
    /// The head anchor, when there is one and it is authentic.
    public let anchor: AuditAnchor?
    /// Digests that are authentic, pin rows that still hold their hashes, and are linked into the chain.
    public let digestsVerified: Int
    public let problems: [AuditProblem]

    public init(rows: AuditVerifier.Result, anchor: AuditAnchor?, digestsVerified: Int, problems: [AuditProblem]) {
        self.rows = rows
        self.anchor = anchor
        self.digestsVerified = digestsVerified
        self.problems = problems
    }

    public var isIntact: Bool { problems.isEmpty }
}

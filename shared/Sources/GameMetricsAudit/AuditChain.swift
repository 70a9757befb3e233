/// Which hash-chained audit log: the table its rows live in, the sequence that numbers them, the
/// advisory lock that serialises appends, the label its metrics carry and where its head and
/// daily digests are anchored in S3. A code constant of the service that owns the chain, never
/// built from input: the table and sequence names are written into SQL as identifiers.
public struct AuditChain: Sendable, Hashable, CustomStringConvertible {
    /// The table, optionally schema-qualified (`audit_log`, `retention_audit_log`, `scratch.log`).
    public let table: String
    /// The `bigserial` sequence of `seq` (PostgreSQL names it `<table>_seq_seq`).
    public let sequence: String
    /// Transaction advisory lock (the one-`bigint` form) held while appending, so that each row
    /// chains onto the last committed one. Anchoring takes the two-`int` form of the same
    /// number, a key space PostgreSQL keeps apart from the one-`bigint` form. Distinct for
    /// every chain of a database, and from the platform's other advisory locks.
    public let lockKey: Int64
    /// The value of the `chain` dimension of the anchoring metrics (`user`, `retention`).
    public let metricsLabel: String
    /// Where the chain's anchor objects go by default: the head at `<anchorPrefix>head.json`, the
    /// digests under `<anchorPrefix>digests/`. Empty or ending in `/`.
    public let anchorPrefix: String

    /// Stops the process when `table` or `sequence` is not a lowercase SQL identifier (optionally
    /// schema-qualified), when `metricsLabel` is empty or when `anchorPrefix` is neither empty
    /// nor ends in `/`: a chain is a constant, so such a value is a programming error.
    public init(table: String, sequence: String? = nil, lockKey: Int64, metricsLabel: String, anchorPrefix: String) {
        precondition(Self.isQualifiedIdentifier(table), "an audit chain's table must be a lowercase SQL identifier: \(table)")
        let sequence = sequence ?? table + "_seq_seq"
        precondition(Self.isQualifiedIdentifier(sequence), "an audit chain's sequence must be a lowercase SQL identifier: \(sequence)")
        precondition(!metricsLabel.isEmpty, "an audit chain needs a metrics label")
        precondition(anchorPrefix.isEmpty || anchorPrefix.hasSuffix("/"), "an anchor prefix is empty or ends in /: \(anchorPrefix)")
        self.table = table
        self.sequence = sequence
        self.lockKey = lockKey
        self.metricsLabel = metricsLabel
        self.anchorPrefix = anchorPrefix
    }

    /// The schema of a qualified `table`, or nil.
    public var schema: String? {
        table.contains(".") ? String(table.prefix { $0 != "." }) : nil
    }

    /// `table` without its schema: the base of the index, function and trigger names.
    public var unqualifiedTable: String {
        table.split(separator: ".").last.map(String.init) ?? table
    }

    public var description: String { "audit chain \(metricsLabel) (\(table))" }

    /// `[a-z_][a-z0-9_]*`, at most 63 bytes (PostgreSQL's identifier limit), optionally with one
    /// schema before a dot.
    static func isQualifiedIdentifier(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return false }
        return parts.allSatisfy { part in
            guard let first = part.unicodeScalars.first, part.utf8.count <= 63 else { return false }
            let isLetter: (Unicode.Scalar) -> Bool = { ("a"..."z").contains($0) || $0 == "_" }
            return isLetter(first) && part.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) }
        }
    }
}

extension AuditVerifier {
    /// The whole verification, as `audit-verify` runs it: every row's link and MAC, the head
    /// anchor in `store` (authentic, its row still there with its hash, the chain not ending
    /// before it) and every daily digest (``AuditDigestChainCheck``). Collects every problem found
    /// rather than stopping at the first (the rows still stop at their first break). Throws
    /// when PostgreSQL or S3 cannot be read.
    public func verify(anchoredIn store: AuditAnchorStore) async throws -> AuditVerification {
        var problems: [AuditProblem] = []
        var anchor: AuditAnchor?
        do {
            anchor = try await store.latest()
        } catch is DecodingError {
            problems.append(.anchorNotAuthentic(location: store.location))
        }
        if let found = anchor, !found.isAuthentic(under: keys) {
            problems.append(.anchorNotAuthentic(location: store.location))
            anchor = nil
        }
        var digests: [String: AuditStoredDigest] = [:]
        for key in try await store.digestKeys() {
            // Listed a moment ago: gone now means deleted meanwhile, which the links then name.
            if let stored = try await store.digest(at: key) { digests[key] = stored }
        }
        let pinned = Set(digests.values.compactMap { $0.digest?.seq })
        let (rows, hashes) = try await walk(against: anchor, collecting: pinned)
        switch rows {
        case .broken(let seq, let reason):
            problems.append(.row(seq: seq, reason: reason))
        case .intact(let count, _, _):
            if anchor == nil, count > 0, !problems.contains(.anchorNotAuthentic(location: store.location)) {
                problems.append(.unanchored(rows: count, location: store.location))
            }
        }
        let check = AuditDigestChainCheck(
            keys: keys, anchor: anchor, digests: digests, day: store.day(ofDigestKey:), rowHashes: hashes
        ).run()
        problems += check.problems.map { .digest(location: store.location(of: $0.key), reason: $0.reason) }
        return AuditVerification(rows: rows, anchor: anchor, digestsVerified: check.verified, problems: problems)
    }
}

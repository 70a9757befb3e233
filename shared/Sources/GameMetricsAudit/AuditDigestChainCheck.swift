/// Checks an audit chain's daily digests, every object under the store's digest prefix: each
/// must be an authentic digest of the day its key names and pin a row that still has the hash
/// it recorded; the head anchor must name the latest one (or an older one, when a later round
/// wrote a digest and then failed to write the anchor: such a digest records a newer head); and
/// following `previous` from the latest digest must reach every other digest, each exactly the
/// object that names it expects (by SHA-256), back to the first. So a deleted digest is named by
/// the link that expected it, a replaced one by its SHA-256 or its MAC, and a row changed since a
/// digest pinned it by that digest.
struct AuditDigestChainCheck {
    let keys: AuditKeyring
    /// The head anchor, when there is one and it is authentic.
    let anchor: AuditAnchor?
    /// Every object under the digest prefix, by key.
    let digests: [String: AuditStoredDigest]
    /// The day a key names, nil for a key that is not a digest's.
    let day: (String) -> String?
    /// The hash of each row a digest pins, by `seq`; a row no longer there is absent.
    let rowHashes: [Int64: String]

    /// How many digests verified, and the problems by object key.
    func run() -> (verified: Int, problems: [(key: String, reason: String)]) {
        var problems: [(key: String, reason: String)] = []
        let ordered = digests.keys.sorted()
        var good: [String: AuditDigest] = [:]
        for key in ordered {
            if let reason = problem(of: digests[key]!) {
                problems.append((key, reason))
            } else {
                good[key] = digests[key]!.digest
            }
        }
        for key in ordered {
            guard let digest = good[key] else { continue }
            switch rowHashes[digest.seq] {
            case digest.hash?:
                break
            case let found?:
                problems.append(
                    (key, "pins seq \(digest.seq) to hash \(digest.hash.prefix(12))… but the row now has \(found.prefix(12))…: the row was changed"))
            case nil:
                problems.append((key, "pins seq \(digest.seq), which is no longer in the chain (rows were removed)"))
            }
        }
        if let anchor, let named = anchor.digest {
            problems += anchorProblems(anchor, named: named, ordered: ordered, good: good)
        }
        var linked: Set<String> = []
        var cursor = ordered.last
        while let key = cursor {
            guard let digest = good[key] else {
                cursor = ordered.last { $0 < key }
                continue
            }
            linked.insert(key)
            guard let previous = digest.previous else {
                for earlier in ordered where earlier < key && good[earlier] != nil {
                    problems.append((earlier, "is older than \(key), the first digest of the chain (it names no previous one): it is not in the chain"))
                }
                break
            }
            guard previous.key < key else {
                problems.append((key, "names \(previous.key) as its previous digest, which is not an earlier day's"))
                cursor = ordered.last { $0 < key }
                continue
            }
            for between in ordered where between > previous.key && between < key && good[between] != nil {
                problems.append((between, "is not in the chain: \(key) names \(previous.key) as its previous digest"))
            }
            if let stored = digests[previous.key] {
                if stored.sha256 != previous.sha256, good[previous.key] != nil {
                    problems.append(
                        (previous.key, "is not the object \(key) names as its previous digest (its SHA-256 differs): it was replaced"))
                }
                if let earlier = good[previous.key], earlier.seq > digest.seq {
                    problems.append((key, "records seq \(digest.seq), before seq \(earlier.seq) of its previous digest"))
                }
            } else {
                problems.append((previous.key, "is missing: \(key) names it as its previous digest (it was deleted)"))
            }
            // A missing previous digest: go on from the next earlier one, so that one deletion is one problem.
            cursor = ordered.last { $0 <= previous.key }
        }
        let troubled = Set(problems.map(\.key))
        return (good.keys.filter { linked.contains($0) && !troubled.contains($0) }.count, problems)
    }

    /// Why the object is not an authentic digest of the day its key names, or nil.
    private func problem(of stored: AuditStoredDigest) -> String? {
        guard let day = day(stored.key) else { return "is not named YYYY/MM/DD.json: not a digest of this chain" }
        guard let digest = stored.digest else { return "is not a digest (the object was altered)" }
        guard digest.isAuthentic(under: keys) else {
            return "does not carry a valid MAC under the configured keys (the object was altered or forged)"
        }
        guard digest.day == day else { return "holds the digest of \(digest.day), not of \(day) (it was copied or moved)" }
        return nil
    }

    /// The anchor names the latest digest, exactly; later digests are only those of rounds whose
    /// anchor write failed, which record a newer head than the anchor's.
    private func anchorProblems(
        _ anchor: AuditAnchor, named: AuditDigestReference, ordered: [String], good: [String: AuditDigest]
    ) -> [(key: String, reason: String)] {
        var problems: [(key: String, reason: String)] = []
        if let stored = digests[named.key] {
            if stored.sha256 != named.sha256, let digest = good[named.key], digest.seq <= anchor.seq {
                problems.append((named.key, "is not the object the head anchor names (its SHA-256 differs): it was replaced"))
            }
        } else {
            problems.append((named.key, "is missing: the head anchor names it as the latest digest (it was deleted)"))
        }
        for key in ordered where key > named.key {
            if let digest = good[key], digest.seq <= anchor.seq {
                problems.append((key, "is later than the digest the head anchor names but records no newer head"))
            }
        }
        return problems
    }
}

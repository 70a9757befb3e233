/// The state of one verification pass over an audit chain's rows in `seq` order.
struct AuditChainWalk {
    let keys: AuditKeyring
    let anchor: AuditAnchor?
    let startingAtAnchor: Bool
    var previous = AuditLog.genesisHash
    var lastSeq: Int64 = 0
    var count = 0
    /// A keyed row was seen: from then on every row must be keyed.
    var keyed = false
    var sawAnchor = false
    var broken: AuditVerifier.Result?

    init(keys: AuditKeyring, anchor: AuditAnchor?, startingAtAnchor: Bool) {
        self.keys = keys
        self.anchor = anchor
        self.startingAtAnchor = startingAtAnchor
    }

    mutating func check(_ row: AuditLog.Row) {
        guard broken == nil else { return }
        let (seq, prevHash, hash, _, _, _, _, _, _, keyID) = row
        if startingAtAnchor, let anchor, !sawAnchor {
            // The anchored row itself was verified when it was anchored; it only has to be unchanged.
            sawAnchor = true
            guard seq == anchor.seq, hash == anchor.hash else {
                broken = .broken(seq: anchor.seq, reason: Self.anchorMismatch(anchor, found: seq == anchor.seq ? hash : nil))
                return
            }
            (previous, lastSeq, count, keyed) = (hash, seq, 1, keyID != nil)
            return
        }
        if prevHash != previous {
            broken = .broken(
                seq: seq,
                reason: count == 0 && !startingAtAnchor
                    ? "prev_hash is not the genesis hash (rows before it were removed)"
                    : "prev_hash does not match the hash of the previous row (a row was removed, inserted or changed)")
        } else if keyID == nil, keyed {
            broken = .broken(seq: seq, reason: "an unkeyed row after keyed rows (rows were rewritten by someone without the key)")
        } else if let keyID, keys.key(id: keyID) == nil {
            broken = .broken(seq: seq, reason: "keyed with key \(keyID), which is not configured (the chain key or the previous key)")
        } else if AuditLog.recomputedHash(row, keys: keys) != hash {
            broken = .broken(
                seq: seq,
                reason: keyID == nil
                    ? "hash does not match the row's content (the row was changed)"
                    : "hash does not match the row's content under the chain key (the row was changed)")
        } else if let anchor, seq == anchor.seq, hash != anchor.hash {
            broken = .broken(seq: seq, reason: Self.anchorMismatch(anchor, found: hash))
        } else {
            if let anchor, seq == anchor.seq { sawAnchor = true }
            (previous, lastSeq, keyed) = (hash, seq, keyed || keyID != nil)
            count += 1
        }
    }

    func finish() -> AuditVerifier.Result {
        if let broken { return broken }
        if let anchor, !sawAnchor {
            if anchor.seq > lastSeq {
                return .broken(
                    seq: anchor.seq,
                    reason: "the chain ends at seq \(lastSeq) but the head anchored at "
                        + "\(anchor.anchoredAt) is seq \(anchor.seq): the newest rows were removed")
            }
            return .broken(seq: anchor.seq, reason: Self.anchorMismatch(anchor, found: nil))
        }
        return .intact(rows: count, lastSeq: lastSeq, lastHash: previous)
    }

    static func anchorMismatch(_ anchor: AuditAnchor, found: String?) -> String {
        let at = anchor.anchoredAt
        guard let found else { return "the row anchored at \(at) is missing (rows were removed or renumbered)" }
        return "the row's hash \(found.prefix(12))… is not the one anchored at \(at) (\(anchor.hash.prefix(12))…): the chain was rewritten"
    }
}

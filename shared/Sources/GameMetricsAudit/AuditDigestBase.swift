/// The digest a new one follows (``AuditAnchorService``): verified, and exactly as stored.
struct AuditDigestBase: Sendable {
    let digest: AuditDigest
    let reference: AuditDigestReference

    /// Why there is no verified digest to follow, though the anchor says there should be.
    struct Problem: Error {
        let reason: String
    }
}

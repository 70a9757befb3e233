import Crypto
import Foundation
import S3

/// Models in S3: `models/<tenant>/<version>.gmrec` (the artifact: game vectors and parameters,
/// ``ModelArtifact``) and `models/<tenant>/<version>.json` (its metadata). Every version stays:
/// the bucket's lifecycle expires old ones.
struct ModelBucket: Sendable {
    let client: S3Client
    let name: String

    struct Stored: Sendable {
        var key: String
        var sha256: String
    }

    struct VerificationFailed: Error, CustomStringConvertible {
        let key: String
        var description: String { "model artifact \(key) read back differs from what was uploaded" }
    }

    static func artifactKey(tenantID: String, version: String) -> String { "models/\(tenantID)/\(version).gmrec" }

    /// Uploads both, reads the artifact back and compares its SHA-256 (a model that serves must be
    /// the one trained).
    func store(artifact: [UInt8], metadata: [UInt8], tenantID: String, version: String) async throws -> Stored {
        let key = Self.artifactKey(tenantID: tenantID, version: version)
        let sha256 = Self.sha256(artifact)
        try await client.putObject(bucket: name, key: key, body: artifact, contentType: "application/octet-stream")
        guard Self.sha256(try await client.getObject(bucket: name, key: key)) == sha256 else { throw VerificationFailed(key: key) }
        try await client.putObject(bucket: name, key: "models/\(tenantID)/\(version).json", body: metadata, contentType: "application/json")
        return Stored(key: key, sha256: sha256)
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}

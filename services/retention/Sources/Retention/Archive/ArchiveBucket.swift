import Foundation
import GameMetricsKit
import S3

/// The archive in S3: `<tenant>/<yyyy>/<mm>/<dd>/` holds a day's parts (`events-0001.ndjson.gz`,
/// late arrivals as `late-0002.ndjson.gz`, ...) and its `manifest.json`.
struct ArchiveBucket: Sendable {
    let client: S3Client
    let name: String

    struct VerificationFailed: Error, CustomStringConvertible {
        let key: String
        let problem: String
        var description: String { "archive object \(key) did not verify: \(problem)" }
    }

    static func folder(tenantID: String, day: ArchiveDay) -> String { "\(tenantID)/\(day.path)/" }

    static func objectKey(tenantID: String, day: ArchiveDay, part: Int, kind: ArchivePart.Kind) -> String {
        let number = String(part)
        return folder(tenantID: tenantID, day: day) + "\(kind.rawValue)-\(String(repeating: "0", count: max(0, 4 - number.count)))\(number).ndjson.gz"
    }

    static func manifestKey(tenantID: String, day: ArchiveDay) -> String { folder(tenantID: tenantID, day: day) + "manifest.json" }

    /// Uploads the object and checks what S3 stored: its size, and its ETag against the MD5 (a
    /// single-part upload's ETag), or — where the ETag is no MD5 (server-side encryption with
    /// KMS) — the SHA-256 of the object read back.
    func putVerified(_ object: ArchiveObject, key: String) async throws {
        try await client.putObject(bucket: name, key: key, body: object.body, contentType: "application/x-ndjson")
        guard let stored = try await client.headObject(bucket: name, key: key) else {
            throw VerificationFailed(key: key, problem: "HEAD found no object after the upload")
        }
        guard stored.size == object.body.count else {
            throw VerificationFailed(key: key, problem: "\(stored.size) bytes stored, \(object.body.count) sent")
        }
        if Self.isMD5(stored.etag) {
            guard stored.etag.lowercased() == object.md5 else {
                throw VerificationFailed(key: key, problem: "ETag \(stored.etag) is not the MD5 \(object.md5) of what was sent")
            }
        } else {
            let readBack = try await client.getObject(bucket: name, key: key)
            guard ArchiveObject.sha256(readBack) == object.sha256 else {
                throw VerificationFailed(key: key, problem: "the object read back does not have SHA-256 \(object.sha256)")
            }
        }
    }

    /// The object's body, checked against the SHA-256 the catalogue holds for it.
    func getVerified(key: String, sha256: String) async throws -> [UInt8] {
        let body = try await client.getObject(bucket: name, key: key)
        guard ArchiveObject.sha256(body) == sha256 else {
            throw VerificationFailed(key: key, problem: "its SHA-256 is not the catalogue's \(sha256)")
        }
        return body
    }

    /// The object's bytes as stored, or nil when there is no such object.
    func object(key: String) async throws -> [UInt8]? {
        do {
            return try await client.getObject(bucket: name, key: key)
        } catch .noSuchKey {
            return nil
        }
    }

    func put(manifest: ArchiveManifest) async throws {
        try await client.putObject(
            bucket: name, key: Self.manifestKey(tenantID: manifest.tenantID, day: manifest.day), body: try manifest.encoded(),
            contentType: "application/json")
    }

    func manifest(tenantID: String, day: ArchiveDay) async throws -> ArchiveManifest? {
        let bytes: [UInt8]
        do {
            bytes = try await client.getObject(bucket: name, key: Self.manifestKey(tenantID: tenantID, day: day))
        } catch .noSuchKey {
            return nil
        }
        return try ArchiveManifest.decode(bytes)
    }

    /// Every key under the day's folder.
    func keys(tenantID: String, day: ArchiveDay) async throws -> [String] {
        try await client.listObjects(bucket: name, prefix: Self.folder(tenantID: tenantID, day: day)).map(\.key)
    }

    func delete(key: String) async throws {
        try await client.deleteObject(bucket: name, key: key)
    }

    private static func isMD5(_ etag: String) -> Bool {
        etag.utf8.count == 32 && etag.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) || (65...70).contains($0) }
    }
}

import Foundation
import GameMetricsKit
import GameMetricsPostgres
import Logging
import PostgresNIO

/// `user audit-verify`: verifies the audit log's chain in the database `GM_PG_URL` names with
/// the chain key (`GM_AUDIT_HMAC_KEY[_FILE]`, and `GM_AUDIT_HMAC_PREVIOUS_KEY[_FILE]` during a
/// rotation), against the head anchored in S3 (`GM_AUDIT_ANCHOR_S3_*`). Exit status 0 when the
/// chain is intact and still holds the anchored head, 1 when a row does not verify, the anchored
/// row is missing or changed, the chain ends before the anchor (truncation), the anchor is not
/// authentic, or there is no anchor for a non-empty chain (named on stderr); 2 when the check
/// could not run (configuration, database or S3 error).
enum AuditVerifyCommand {
    static func run(environment: EnvironmentReader) async -> Int32 {
        var logger = Logger(label: "user.audit-verify")
        logger.logLevel = .warning
        let configuration: PostgresClient.Configuration
        let keys: AuditKeyring
        let store: AuditAnchorStore
        do {
            configuration = try PostgresClient.Configuration(environment: environment)
            keys = try AuditKeyring(environment: environment)
            store = try AuditAnchorStore(environment: environment)
        } catch {
            standardError("audit-verify: \(error)")
            return 2
        }
        let anchor: AuditAnchor?
        do {
            anchor = try await store.latest()
        } catch {
            standardError("audit-verify: could not read the anchor at \(store.location): \(String(reflecting: error))")
            return 2
        }
        if let anchor, !anchor.isAuthentic(under: keys) {
            standardError("audit log anchor at \(store.location) is not authentic (its MAC does not verify under the configured keys)")
            return 1
        }
        let outcome: Swift.Result<AuditVerifier.Result, any Error>
        do {
            outcome = .success(
                try await PostgresClient.withShortLivedClient(configuration, logger: logger) {
                    try await AuditVerifier(client: $0, keys: keys, logger: logger).verify(against: anchor)
                })
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(.intact(let rows, let lastSeq, let lastHash)):
            guard let anchor else {
                if rows == 0 {
                    print("audit log intact: empty, nothing anchored yet")
                    return 0
                }
                standardError(
                    "audit log unanchored: \(rows) rows verify, but \(store.location) holds no anchor, "
                        + "so removal of the newest rows cannot be ruled out (is the user service anchoring?)")
                return 1
            }
            print(
                "audit log intact: \(rows) rows, head seq \(lastSeq) \(lastHash); "
                    + "anchored seq \(anchor.seq) at \(anchor.anchoredAt) verified")
            return 0
        case .success(.broken(let seq, let reason)):
            standardError("audit log broken at seq \(seq): \(reason)")
            return 1
        case .failure(let error):
            standardError("audit-verify: could not read the audit log: \(String(reflecting: error))")
            return 2
        }
    }

    private static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

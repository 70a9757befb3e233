import GameMetricsAudit
import GameMetricsKit

/// `user audit-verify`: verifies the audit log's chain in the database `GM_PG_URL` names with
/// the chain key (`GM_AUDIT_HMAC_KEY[_FILE]`, and `GM_AUDIT_HMAC_PREVIOUS_KEY[_FILE]` during a
/// rotation), against the head and the daily digests anchored in S3 (`GM_AUDIT_ANCHOR_S3_*`).
/// Exit status 0 when all of it holds, 1 naming each problem on stderr, 2 when the check could
/// not run (``AuditChainVerifyCommand``).
enum AuditVerifyCommand {
    static func run(environment: EnvironmentReader) async -> Int32 {
        await AuditChainVerifyCommand.run(chain: .user, environment: environment, logLabel: "user.audit-verify")
    }
}

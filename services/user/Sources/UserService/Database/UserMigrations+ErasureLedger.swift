import GameMetricsErasure
import GameMetricsPostgres
import GameMetricsService

/// The user service's ledger as an erasure participant: which requests it erased and completed,
/// so a redelivered request erases nothing more and publishes no second completion.
extension UserMigrations {
    static let erasureLedger: [Migration] = [
        Migration(version: 14, name: "erasure_ledger", statements: ErasureParticipant.migrationStatements(for: .user))
    ]
}

import GameMetricsPostgres
import GameMetricsService

extension UserMigrations {
    /// Login limits: `LoginAttemptPurger` deletes by age across all keys.
    static let loginLimits: [Migration] = [
        Migration(
            version: 10, name: "login_attempts_by_age",
            statements: [
                "CREATE INDEX login_attempts_time ON login_attempts (attempted_at)"
            ])
    ]
}

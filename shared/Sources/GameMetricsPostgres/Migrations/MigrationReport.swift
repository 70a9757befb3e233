/// What one ``MigrationRunner/migrate()`` call did.
public struct MigrationReport: Sendable, Equatable {
    /// Versions this run applied, in order.
    public var applied: [Int]
    /// Versions that were already recorded (checksums verified) before this run.
    public var alreadyPresent: [Int]

    public init(applied: [Int], alreadyPresent: [Int]) {
        self.applied = applied
        self.alreadyPresent = alreadyPresent
    }
}

import Foundation
@testable import PlayerSimulator

/// Shared fixtures: a fixed start so runs compare byte for byte, and event streams.
enum TestTraffic {
    /// 2026-11-22T10:00:00Z.
    static let startMicros: Int64 = 1_795_341_600_000_000
    static let start = Date(timeIntervalSince1970: Double(startMicros) / 1_000_000)

    static func configuration(
        seed: UInt64 = 42, tenants: Int = 2, playersPerTenant: Int = 200, gamesPerTenant: Int = 300, tasteClusters: Int = 8,
        rate: Double = 200, profile: RateProfile = .steady, returnToPlayer: Double = 0.96
    ) -> TrafficConfiguration {
        TrafficConfiguration(
            seed: seed, tenantCount: tenants, playersPerTenant: playersPerTenant, gamesPerTenant: gamesPerTenant,
            tasteClusters: tasteClusters, returnToPlayer: returnToPlayer,
            baseRate: rate, profile: profile, startMicros: startMicros
        )
    }

    static func events(_ count: Int, _ configuration: TrafficConfiguration = configuration()) -> [SimulatedEvent] {
        var generator = TrafficGenerator(configuration)
        return (0..<count).map { _ in generator.next().event }
    }

    /// The events as the JSON lines a dry run prints.
    static func jsonLines(_ count: Int, _ configuration: TrafficConfiguration = configuration()) -> [UInt8] {
        var bytes: [UInt8] = []
        DryRunWriter.write(count: count, traffic: configuration) { bytes += $0 }
        return bytes
    }
}

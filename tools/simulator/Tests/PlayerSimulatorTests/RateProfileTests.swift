import Foundation
import Testing
@testable import PlayerSimulator

@Suite("Rate profiles and the token schedule")
struct RateProfileTests {
    @Test("Steady is the base rate at every moment, and events are exactly 1/rate apart")
    func steady() {
        for t in stride(from: 0.0, to: 10_000, by: 37.5) {
            #expect(RateProfile.steady.rate(at: t, base: 250) == 250)
        }
        var schedule = EventSchedule(baseRate: 250, profile: .steady)
        let offsets = (0..<1001).map { _ in schedule.advance() }
        #expect(abs(offsets[1000] - 4.0) < 1e-9)
        #expect(abs(offsets[1] - offsets[0] - 0.004) < 1e-12)
    }

    @Test("Diurnal peaks at a quarter day, bottoms at three quarters, with peak/trough (1+a)/(1-a)")
    func diurnalShape() {
        let profile = RateProfile.diurnal(daySeconds: 600, amplitude: 0.6)
        let peak = profile.rate(at: 150, base: 1000)
        let trough = profile.rate(at: 450, base: 1000)
        #expect(abs(peak - 1600) < 1e-9)
        #expect(abs(trough - 400) < 1e-9)
        #expect(abs(peak / trough - 4) < 1e-9)
        let samples = stride(from: 0.0, to: 600, by: 0.5).map { profile.rate(at: $0, base: 1000) }
        #expect(samples.max()! <= peak + 1e-9 && samples.min()! >= trough - 1e-9)
        #expect(abs(samples.reduce(0, +) / Double(samples.count) - 1000) < 1e-6, "the mean over a day is the base rate")
    }

    @Test("The diurnal schedule puts four times as many events in the peak minute as in the trough minute")
    func diurnalSchedule() {
        var schedule = EventSchedule(baseRate: 200, profile: .diurnal(daySeconds: 600, amplitude: 0.6))
        var perMinute = Array(repeating: 0, count: 10)
        while true {
            let t = schedule.advance()
            if t >= 600 { break }
            perMinute[Int(t / 60)] += 1
        }
        // Minute 2 holds the peak (150 s), minute 7 the trough (450 s).
        let ratio = Double(perMinute[2]) / Double(perMinute[7])
        #expect(ratio > 3.3 && ratio < 4.3, "\(perMinute)")
        #expect(abs(perMinute.reduce(0, +) - 120_000) < 200, "a day at mean 200/s holds 120k events")
    }

    @Test("Bursty runs at the base rate or factor × base, with bursts of 2–8 s repeating with the seed")
    func bursty() {
        let profile = RateProfile.bursty(factor: 5, seed: 11)
        var inBurst = 0.0
        let step = 0.01
        for t in stride(from: 0.0, to: 3000, by: step) {
            let rate = profile.rate(at: t, base: 100)
            #expect(rate == 100 || rate == 500)
            if rate == 500 { inBurst += step }
        }
        // Expected share of time in bursts: P(burst) × mean length / window = 0.5 × 5 / 30 ≈ 8.3 %.
        #expect(inBurst / 3000 > 0.05 && inBurst / 3000 < 0.12, "\(inBurst)")
        var bursts = 0
        for window in 0..<100 as Range<UInt64> {
            guard let burst = RateProfile.burst(inWindow: window, seed: 11) else { continue }
            bursts += 1
            #expect(burst.upperBound - burst.lowerBound >= 2 && burst.upperBound - burst.lowerBound <= 8)
            #expect(burst.lowerBound >= Double(window) * 30 && burst.upperBound <= Double(window + 1) * 30)
            #expect(RateProfile.burst(inWindow: window, seed: 11) == burst)
        }
        #expect(bursts > 30 && bursts < 70)
        let other = (0..<100 as Range<UInt64>).map { RateProfile.burst(inWindow: $0, seed: 12) }
        #expect(other != (0..<100 as Range<UInt64>).map { RateProfile.burst(inWindow: $0, seed: 11) })
    }

    @Test("More players are online at the diurnal peak than in the trough")
    func onlinePlayersFollowTheRate() {
        var generator = TrafficGenerator(TestTraffic.configuration(playersPerTenant: 5000, rate: 400, profile: .diurnal(daySeconds: 600, amplitude: 0.6)))
        var atPeak = 0
        var atTrough = 0
        while generator.nextOffset < 460 {
            let offset = generator.next().offset
            if atPeak == 0 && offset >= 150 { atPeak = generator.onlineCount(tenant: 0) }
            if offset >= 450 { atTrough = generator.onlineCount(tenant: 0) }
        }
        #expect(generator.onlineTarget(at: 150) == 800)
        #expect(generator.onlineTarget(at: 450) == 200)
        #expect(atPeak > 2 * atTrough, "peak \(atPeak), trough \(atTrough)")
    }
}

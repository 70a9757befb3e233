import Foundation

/// How the event rate moves over (virtual) time around the base rate given by `--rate`.
///
/// - `steady`: always the base rate.
/// - `diurnal`: a sinusoid over a compressed "day": `base × (1 + amplitude × sin(2π t / day))`.
///   It starts at the mean and rising, peaks at a quarter day, bottoms out at three quarters;
///   the mean over a whole day is the base rate and peak/trough is `(1 + a) / (1 − a)`.
/// - `bursty`: the base rate, plus bursts of `factor ×` base lasting 2–8 s. Time is cut into
///   30 s windows and each window holds a burst with probability 1/2, placed by a hash of the
///   seed and the window number, so the bursts repeat with the seed and cost no random draws.
enum RateProfile: Sendable, Equatable {
    case steady
    case diurnal(daySeconds: Double, amplitude: Double)
    case bursty(factor: Double, seed: UInt64)

    static let burstWindowSeconds = 30.0
    static let burstProbability = 0.5
    static let burstSeconds = 2.0...8.0

    /// Events per second at `t` seconds after the start, for a base rate of `base`.
    func rate(at t: Double, base: Double) -> Double {
        switch self {
        case .steady:
            return base
        case .diurnal(let day, let amplitude):
            return base * (1 + amplitude * sin(2 * Double.pi * t / day))
        case .bursty(let factor, let seed):
            return burst(containing: t, seed: seed) != nil ? base * factor : base
        }
    }

    /// The burst of the 30 s window holding `t`, if there is one and `t` falls inside it
    /// (as seconds since the start: `start..<end`).
    func burst(containing t: Double, seed: UInt64) -> Range<Double>? {
        guard t >= 0 else { return nil }
        let window = (t / Self.burstWindowSeconds).rounded(.down)
        guard let burst = Self.burst(inWindow: UInt64(window), seed: seed), burst.contains(t) else { return nil }
        return burst
    }

    /// The burst of window number `window`, or nil when that window has none.
    static func burst(inWindow window: UInt64, seed: UInt64) -> Range<Double>? {
        let hash = SeededGenerator.mix(seed ^ SeededGenerator.mix(window &+ 0x5EED))
        let unit = { (shift: UInt64) in Double((hash >> shift) & 0xFFFF) / 65536 }
        guard unit(0) < burstProbability else { return nil }
        let length = burstSeconds.lowerBound + unit(16) * (burstSeconds.upperBound - burstSeconds.lowerBound)
        let start = Double(window) * burstWindowSeconds + unit(32) * (burstWindowSeconds - length)
        return start..<(start + length)
    }

    var name: String {
        switch self {
        case .steady: "steady"
        case .diurnal: "diurnal"
        case .bursty: "bursty"
        }
    }
}

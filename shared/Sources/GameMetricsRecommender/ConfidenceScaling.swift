import Foundation

/// How a play count r becomes the confidence c ≥ 1 that the player likes the game
/// (Hu, Koren, Volinsky 2008, section 4).
///
/// `logarithmic` (the default) is c = 1 + α·log(1 + r/ε). Play counts are heavy-tailed — a
/// player's favourite slot can have hundreds of sessions — and with the linear form one such game
/// outweighs the rest of the player's history, so the factors fit a few heavy players' counts
/// instead of the breadth of what people play. The logarithm keeps "played often" above "played
/// once" without letting magnitude dominate. On the planted-taste data, whose counts are mildly
/// tailed, the two forms score within a few points of each other (docs/adr/0038-implicit-als-for-recommendations.md).
public enum ConfidenceScaling: Sendable, Hashable, Codable {
    /// c = 1 + alpha · r.
    case linear(alpha: Float)
    /// c = 1 + alpha · log(1 + r / epsilon).
    case logarithmic(alpha: Float, epsilon: Float)

    /// The confidence of an observed count.
    @inline(__always)
    public func confidence(_ count: Float) -> Float {
        switch self {
        case .linear(let alpha): 1 + alpha * count
        case .logarithmic(let alpha, let epsilon): 1 + alpha * log1pf(count / epsilon)
        }
    }
}

/// An amount of money in the currency's minor unit (cents for EUR, yen for JPY), so no
/// floating point ever touches it.
public struct Money: Codable, Sendable, Equatable, Hashable {
    /// The amount in minor units; the validator only accepts values `>= 0`.
    public var minor: Int64
    /// An active ISO 4217 alphabetic code such as `EUR`.
    public var currency: String

    public init(minor: Int64, currency: String) {
        self.minor = minor
        self.currency = currency
    }
}

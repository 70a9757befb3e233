/// Comparison whose running time does not depend on where two secrets first differ, so an
/// attacker timing responses cannot learn a stored hash or challenge byte by byte.
enum ConstantTime: Sendable {
    /// `true` when both byte strings are equal. Lengths are not secret (they are fixed by the
    /// format), so a length mismatch returns early.
    static func equals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }
}

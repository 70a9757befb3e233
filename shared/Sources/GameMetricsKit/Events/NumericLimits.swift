/// What PostgreSQL's `numeric` can hold, so which JSON numbers a `jsonb` column accepts
/// (`jsonb` stores every number as `numeric`; PostgreSQL 16 `numeric.c`, `set_var_from_str` and
/// `make_result`, checked against the server by the differential tests in `IntegrationTests`).
///
/// PostgreSQL reads `d.ddd e±x` into base-10000 digits and refuses (`22003 value overflows
/// numeric format`) when
/// - the exponent's magnitude exceeds `INT_MAX / 2` (1073741823), whatever the digits
///   (`0e1073741824` too; PostgreSQL 15 refused 1073741823 already, 16 accepts `0e1073741823`);
/// - the display scale — fraction digits minus the exponent, at least 0 — exceeds 16383 (a
///   14-bit field), trailing zeros included (`0e-16384`, `0.0000e-16380`);
/// - the weight of the first non-zero base-10000 digit exceeds 32767 (an int16), that is the
///   first non-zero decimal digit stands for 10^131072 or more (`1e131072`). Zero has weight 0.
///
/// The smallest weight (−32768) cannot be reached within the scale limit, so it needs no check.
enum NumericLimits {
    /// `INT_MAX / 2`: an exponent of greater magnitude is refused outright.
    static let maxExponentMagnitude = 1_073_741_823
    /// The most digits after the decimal point (`NUMERIC_DSCALE_MASK`).
    static let maxScale = 16383
    /// The most digits before the decimal point: 32768 base-10000 digits.
    static let maxIntegerDigits = 131_072

    /// Whether a number written with an exponent exceeds the limits. `integerIsZero`: the integer
    /// part is `0`; `fraction`: the digits after the point; `exponent` saturated beyond
    /// ``maxExponentMagnitude``.
    static func exceeded(
        integerIsZero: Bool, integerDigits: Int, fraction: UnsafeBufferPointer<UInt8>, exponent: Int
    ) -> Bool {
        guard exponent <= maxExponentMagnitude, exponent >= -maxExponentMagnitude else { return true }
        guard fraction.count - exponent <= maxScale else { return true }
        // The power of ten the first non-zero digit stands for.
        let leadingPower: Int
        if !integerIsZero {
            leadingPower = integerDigits - 1 + exponent
        } else if let first = fraction.firstIndex(where: { $0 != UInt8(ascii: "0") }) {
            leadingPower = -(first + 1) + exponent
        } else {
            return false  // zero: only the scale counts
        }
        return leadingPower >= maxIntegerDigits
    }
}

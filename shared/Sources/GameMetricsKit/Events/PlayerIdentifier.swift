/// The rule every service applies to a `player_id`: 1 to 128 Unicode scalars (as PostgreSQL's
/// `varchar(128)` counts) and no U+0000, which PostgreSQL text cannot store.
public enum PlayerIdentifier {
    public static let maximumLength = 128

    /// nil when `value` is a valid identifier, otherwise the reason, naming `field`.
    public static func validate(_ value: String, field: String = "player_id") -> FieldError? {
        let scalars = value.unicodeScalars
        if scalars.isEmpty { return FieldError(field: field, reason: "too_short") }
        if scalars.count > maximumLength { return FieldError(field: field, reason: "too_long") }
        if scalars.contains("\u{0}") { return FieldError(field: field, reason: "invalid_character") }
        return nil
    }
}

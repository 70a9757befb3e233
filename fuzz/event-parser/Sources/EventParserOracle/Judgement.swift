/// The oracle's ruling on one ``PropertiesObservation``.
public enum Judgement: Equatable, Sendable {
    /// All readers agree (all accept equal values, or all refuse).
    case agree
    /// They differ in a way ADR 0006 documents; the text names the case.
    case explained(String)
    /// They differ in a way nothing explains: a bug in the validator (or an undocumented
    /// difference to document).
    case disagreement(String)
}

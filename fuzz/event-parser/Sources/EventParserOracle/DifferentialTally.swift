/// Counts of what a differential run saw: rulings, PostgreSQL's SQLSTATEs, the validator's
/// reasons and the explained differences by name, and every disagreement in full.
public struct DifferentialTally: Sendable {
    public var inputs = 0
    /// Accepted by the validator (and so, if there is no disagreement, by PostgreSQL).
    public var accepted = 0
    public var postgresAccepted = 0
    public var sqlStates: [String: Int] = [:]
    public var validatorReasons: [String: Int] = [:]
    public var explained: [String: Int] = [:]
    public var disagreements: [String] = []

    public init() {}

    public mutating func record(_ observation: PropertiesObservation, _ judgement: Judgement) {
        inputs += 1
        switch observation.validator {
        case .success: accepted += 1
        case .failure(let rejection): validatorReasons[rejection.reason.rawValue, default: 0] += 1
        }
        switch observation.postgres {
        case .accepted?: postgresAccepted += 1
        case .refused(let state, _)?: sqlStates[state, default: 0] += 1
        case nil: break
        }
        switch judgement {
        case .agree: break
        case .explained(let name): explained[name, default: 0] += 1
        case .disagreement(let what):
            disagreements.append("\(what) — input: \(PropertiesObservation.show(observation.input))")
        }
    }
}

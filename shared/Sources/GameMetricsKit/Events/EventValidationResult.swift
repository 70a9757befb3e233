/// The outcome of validating one event: the event, or every problem found in it.
public enum EventValidationResult: Sendable, Equatable {
    case valid(PlayerEvent)
    /// Never empty; in envelope field order.
    case invalid([FieldError])

    public var event: PlayerEvent? {
        if case .valid(let event) = self { event } else { nil }
    }

    /// The field errors; empty when valid.
    public var errors: [FieldError] {
        if case .invalid(let errors) = self { errors } else { [] }
    }

    public var isValid: Bool { event != nil }
}

/// A `GM_*` variable that is missing or unusable; the message names the variable and what is wrong.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    public let variable: String
    public let problem: String

    public init(variable: String, problem: String) {
        self.variable = variable
        self.problem = problem
    }

    public var description: String { "configuration error: \(variable) \(problem)" }
}

/// A flag or environment variable the simulator cannot use; the message names it.
struct SimulatorOptionsError: Error, Equatable, CustomStringConvertible {
    var message: String

    init(_ message: String) {
        self.message = message
    }

    var description: String { message }
}

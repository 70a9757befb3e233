import Foundation

extension Process {
    /// Waits, polling, until the process has exited, at most `limit`; false when it is still
    /// running then. Test helpers stop processes from synchronous `defer`s on Swift's cooperative
    /// pool, which has one thread per core (two here): an unbounded wait there — Foundation's blocking wait,
    /// or a loop on `isRunning` — stalls every other test in the process if the exit is never
    /// seen, so every such wait is bounded.
    @discardableResult
    public func waitForExit(atMost limit: Duration = .seconds(10)) -> Bool {
        let deadline = ContinuousClock.now + limit
        while isRunning {
            if ContinuousClock.now >= deadline { return false }
            usleep(10_000)
        }
        return true
    }
}

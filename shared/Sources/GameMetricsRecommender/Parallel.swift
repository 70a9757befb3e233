import Dispatch

/// Runs loop bodies on Dispatch's worker threads (`concurrentPerform`), never the Swift
/// concurrency pool. Each iteration of the callers' bodies writes only memory of its own (its rows,
/// its partial sum) through raw pointers, which the compiler cannot see: hence the unchecked box.
enum Parallel {
    private struct UncheckedBody: @unchecked Sendable {
        let body: (Int) -> Void
    }

    static func forEach(_ iterations: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBody(body: body)
            DispatchQueue.concurrentPerform(iterations: iterations) { box.body($0) }
        }
    }
}

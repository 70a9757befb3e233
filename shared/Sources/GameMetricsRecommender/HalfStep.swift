/// One half-step of ALS: every row of one side (players, or games) solved against the other
/// side's fixed factors, rows spread over the cores in batches. Each row's vectors of the other
/// side are gathered into a buffer of the batch first (`Kernels.gather`).
struct HalfStep {
    /// The compressed rows of this side: `offsets[r]..<offsets[r + 1]` indexes `indices` (the
    /// other side's rows) and `confidences`.
    let offsets: [Int]
    let indices: [Int32]
    let confidences: [Float]

    /// Rows per batch: small enough that a stop is seen quickly and that heavy rows (a popular
    /// game's players) spread over the cores, large enough that scheduling costs nothing.
    static let batches = 256

    /// Returns false if `shouldStop` asked to stop (the rows are then partly updated).
    func solve(
        rows: inout [Float], others: [Float], parameters: ALSParameters, shouldStop: @Sendable () -> Bool
    ) -> Bool {
        let f = parameters.factors
        let rowCount = offsets.count - 1
        let otherCount = others.count / f
        if shouldStop() { return false }
        let batches = Kernels.ranges(rowCount, parts: Self.batches)
        others.withUnsafeBufferPointer { others in
            let gramian = Kernels.gramian(
                others.baseAddress!, rows: otherCount, factors: f, regularization: parameters.regularization)
            gramian.withUnsafeBufferPointer { gramian in
                offsets.withUnsafeBufferPointer { offsets in
                    indices.withUnsafeBufferPointer { indices in
                        confidences.withUnsafeBufferPointer { confidences in
                            rows.withUnsafeMutableBufferPointer { rows in
                                let scratchSize = parameters.solver == .cholesky ? f * f + f : 3 * f
                                Parallel.forEach(batches.count) { batch in
                                    if shouldStop() { return }
                                    let longest = batches[batch].map { offsets[$0 &+ 1] &- offsets[$0] }.max() ?? 0
                                    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchSize)
                                    let gathered = UnsafeMutablePointer<Float>.allocate(capacity: max(1, longest &* f))
                                    defer {
                                        scratch.deallocate()
                                        gathered.deallocate()
                                    }
                                    for row in batches[batch] {
                                        let start = offsets[row]
                                        let entries = offsets[row &+ 1] &- start
                                        let x = rows.baseAddress! + row &* f
                                        let rowConfidences = confidences.baseAddress! + start
                                        Kernels.gather(
                                            others.baseAddress!, indices: indices.baseAddress! + start, entries: entries,
                                            factors: f, into: gathered)
                                        switch parameters.solver {
                                        case .conjugateGradient:
                                            Kernels.conjugateGradient(
                                                x: x, gramian: gramian.baseAddress!, vectors: gathered,
                                                confidences: rowConfidences, entries: entries, factors: f,
                                                steps: parameters.conjugateGradientSteps, scratch: scratch)
                                        case .cholesky:
                                            Kernels.cholesky(
                                                x: x, gramian: gramian.baseAddress!, vectors: gathered,
                                                confidences: rowConfidences, entries: entries, factors: f, scratch: scratch)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return !shouldStop()
    }
}

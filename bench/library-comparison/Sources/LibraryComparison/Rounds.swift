import Foundation

/// Runs two implementations of the same work in alternating rounds (ours, theirs, ours, ...), so
/// that a noisy shared machine slows both alike, and prints one JSON line with the medians and
/// their ratio.
struct Rounds {
    let name: String
    let operations: Int
    let rounds: Int

    func compare(ours: () throws -> Void, theirs: () throws -> Void) rethrows {
        var oursRates: [Double] = []
        var theirsRates: [Double] = []
        for _ in 0..<rounds {
            oursRates.append(Double(operations) / (try Self.seconds(ours)))
            theirsRates.append(Double(operations) / (try Self.seconds(theirs)))
        }
        report(oursRates, theirsRates)
    }

    func compare(ours: () async throws -> Void, theirs: () async throws -> Void) async rethrows {
        var oursRates: [Double] = []
        var theirsRates: [Double] = []
        for _ in 0..<rounds {
            oursRates.append(Double(operations) / (try await Self.seconds(ours)))
            theirsRates.append(Double(operations) / (try await Self.seconds(theirs)))
        }
        report(oursRates, theirsRates)
    }

    private func report(_ ours: [Double], _ theirs: [Double]) {
        let oursMedian = Self.median(ours)
        let theirsMedian = Self.median(theirs)
        let ratio = (oursMedian / theirsMedian * 100).rounded() / 100
        let all = { (rates: [Double]) in rates.map { String(Int($0)) }.joined(separator: ",") }
        print(#"{"comparison":"\#(name)","operations_per_round":\#(operations),"ours_per_sec":\#(Int(oursMedian)),"theirs_per_sec":\#(Int(theirsMedian)),"ours_over_theirs":\#(ratio),"ours_rounds":[\#(all(ours))],"theirs_rounds":[\#(all(theirs))]}"#)
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    private static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        return (ContinuousClock.now - start) / .seconds(1)
    }

    private static func seconds(_ body: () async throws -> Void) async rethrows -> Double {
        let start = ContinuousClock.now
        try await body()
        return (ContinuousClock.now - start) / .seconds(1)
    }
}

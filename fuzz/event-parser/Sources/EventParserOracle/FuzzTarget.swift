import Foundation
import GameMetricsKit

/// The settings and whole-event check the libFuzzer target and the corpus replay in
/// `make test` share, so a corpus file gets the same ruling in both.
public enum FuzzTarget {
    /// The `properties` size limit while fuzzing: lowered from 8192 so that inputs within
    /// libFuzzer's -max_len reach it too (a refusal ADR 0006 documents).
    public static let maxPropertiesBytes = 1024

    /// The validator under test, with a fixed clock (2026-11-18T11:06:40Z) so a corpus file's
    /// ruling never changes with the date.
    public static let validator = EventValidator(
        maxPropertiesBytes: maxPropertiesBytes, now: { Date(timeIntervalSince1970: 1_795_000_000) }
    )

    /// The same bytes as a whole event: whatever the validator accepts must survive
    /// `jsonBytes()` and the processor's stored-mode decoding unchanged. Returns the problem, if any.
    public static func wholeEventProblem(_ bytes: [UInt8]) -> String? {
        _ = try? PlayerEvent(jsonBytes: bytes)  // stored mode on arbitrary bytes: must not crash
        guard case .valid(let event) = validator.validate(bytes, tenantID: "fuzz-tenant") else { return nil }
        let written = event.jsonBytes()
        guard let decoded = try? PlayerEvent(jsonBytes: written) else {
            return "an accepted event does not decode in stored mode: \(String(decoding: written, as: UTF8.self))"
        }
        guard decoded == event, decoded.jsonBytes() == written else {
            return "an accepted event changes through jsonBytes()/init(jsonBytes:): \(String(decoding: written, as: UTF8.self))"
        }
        return nil
    }
}

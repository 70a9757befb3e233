import GameMetricsService
import Testing

@testable import Processor

/// Databases record each applied migration's checksum and the runner refuses to start when the
/// code's differs, so these values may never change: not by editing a migration, and not by
/// changing how the checksum is computed.
@Suite("The processor's applied migrations keep the checksums databases recorded")
struct ProcessorMigrationChecksumTests {
    /// Version → checksum as recorded when each was applied (computed by the hand-written SHA-256
    /// that preceded swift-crypto's); add each new migration's once it has been applied anywhere.
    static let recorded: [Int: String] = [
        1: "98ef055b58e999cdc93286ae8f9857b0828f6a504fef129313a8854e98e2dbab",
        2: "c5795cd807178c4ce071b697ad5c4b5b6fcaa8d93ff337b830ebd89db71dd9cc",
        3: "0f7621e5005b882bc284b878ebd9d5ac854ba91f8af208a922bbe4fb7ea44358",
        4: "885396f1cf66e6f8274ee39edd7550edf545a9357b0f9b9f92fe1156ce460bf9",
        5: "83d50b11fa943dbd4246a49dff3807565b06ed70075c5779fd9b62d8ba84e320",
        6: "3fe48c70b73d06fa7f3e7c452ce53fe0685522bcb58e29092ea285b8e95850ef",
    ]

    @Test("every migration's checksum equals the one recorded when it was first applied")
    func checksumsAreUnchanged() {
        let current = Dictionary(uniqueKeysWithValues: ProcessorMigrations.all.map { ($0.version, $0.checksum) })
        for (version, checksum) in Self.recorded {
            #expect(current[version] == checksum, "V\(version) changed after it was applied (or was removed)")
        }
    }
}

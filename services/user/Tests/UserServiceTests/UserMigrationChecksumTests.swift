import GameMetricsService
import Testing

@testable import UserService

/// Databases record each applied migration's checksum and the runner refuses to start when the
/// code's differs, so these values may never change: not by editing a migration, and not by
/// changing how the checksum is computed.
@Suite("The user service's applied migrations keep the checksums databases recorded")
struct UserMigrationChecksumTests {
    /// Version → checksum as recorded when each was applied (computed by the hand-written SHA-256
    /// that preceded swift-crypto's); add each new migration's once it has been applied anywhere.
    static let recorded: [Int: String] = [
        1: "b718f372ab671abb0317da66b82fd5871840867bc107345189250aa7a5edb2e0",
        2: "3df0a19dd25824036315e8b14dee56265a343932833d56475a253924facb3a70",
        3: "cd5f47f13888321379d0155506486e9801b233e24abd5af02959cd4f03d8571c",
        4: "8111e53cf1c11a37a226b0078f68e5dbeeffb6932817d08db990747ab110bc78",
        5: "ad7fcc188407eca3c2254200a53d6e195a3ba562f673963adaec99dff4d4b8a3",
        6: "3f8db35713ba58dd58f3f3a7780a875becbb18d1996142a53d55698fa7aff0fd",
        7: "506ea1ab2679d586d15d6a264dd376a38e587ba4797aa41228dd00af3721d347",
        8: "919248459a3215c8b8230618f1dd29a6934c4767011a39b5f1d13eaca0495487",
        9: "866fb74498564fa865bb4f105d7b2bd675afb5cc01c9d50463799ea9393a1153",
        10: "fd6ba851eb94d2f37765d923be99b53cf2e05c6c7571feabee653e3aa919a084",
        11: "015763878a45a2287b52ce41348d39652f5878ec3b0d944a6a32257d49732061",
        12: "86be3d0b87e9aabbbdfc0c29bbbc9dba283b0f50064971b8bafd1e6a23710d64",
        13: "6f42799f7f17d23adbf1911bac73bddb3e2c39a22feabdfd90d143701182cdb4",
    ]

    @Test("every migration's checksum equals the one recorded when it was first applied")
    func checksumsAreUnchanged() {
        let current = Dictionary(uniqueKeysWithValues: UserMigrations.all.map { ($0.version, $0.checksum) })
        for (version, checksum) in Self.recorded {
            #expect(current[version] == checksum, "V\(version) changed after it was applied (or was removed)")
        }
    }
}

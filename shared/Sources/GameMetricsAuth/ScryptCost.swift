/// scrypt work factors: `N = 2^logN` (memory and time), block size `r` (memory per step) and
/// parallelism `p` (independent lanes, run sequentially here). Memory use is about
/// `128 · N · r` bytes; time grows linearly in `N · r · p`.
public struct ScryptCost: Sendable, Hashable, CustomStringConvertible {
    public let logN: Int
    public let r: Int
    public let p: Int

    /// Login-time cost: N = 2^15, r = 8, p = 1, 32 MiB per hash (the scrypt paper's interactive
    /// setting, and OWASP's minimum for scrypt). See `PasswordHasher` for the measured time.
    public static let interactive = ScryptCost(unchecked: 15, r: 8, p: 1)

    /// Deliberately weak (256 KiB, well under a millisecond) so unit tests can hash many
    /// passwords. Never use it for stored credentials.
    public static let testing = ScryptCost(unchecked: 8, r: 8, p: 1)

    /// Upper bounds for any cost we compute, including costs read from stored hashes: a
    /// tampered or corrupt string must not be able to make `verify` allocate gigabytes or spin
    /// for minutes.
    static let logNRange = 1...20
    static let rRange = 1...16
    static let pRange = 1...16
    static let maximumMemory = 256 * 1024 * 1024

    /// `nil` when the parameters are outside what scrypt accepts or above the safety bounds
    /// (logN 1–20, r 1–16, p 1–16, at most 256 MiB of working memory).
    public init?(logN: Int, r: Int, p: Int) {
        guard Self.logNRange.contains(logN), Self.rRange.contains(r), Self.pRange.contains(p) else { return nil }
        // BoringSSL's working set: V (N blocks of 128·r bytes) plus B (p blocks) plus T (one block).
        let memory = 128 * r * ((1 << logN) + p + 1)
        guard memory <= Self.maximumMemory else { return nil }
        // RFC 7914 requires N < 2^(128·r/8); BoringSSL enforces it for small r.
        guard 16 * r > 63 || logN < 16 * r else { return nil }
        self.logN = logN
        self.r = r
        self.p = p
    }

    private init(unchecked logN: Int, r: Int, p: Int) {
        self.logN = logN
        self.r = r
        self.p = p
    }

    /// `N`, the number of rounds scrypt's API expects.
    var rounds: Int { 1 << logN }

    /// True when every factor of `self` is at least the matching factor of `other`.
    func isAtLeast(_ other: ScryptCost) -> Bool {
        logN >= other.logN && r >= other.r && p >= other.p
    }

    /// The PHC parameter segment, e.g. `ln=15,r=8,p=1`.
    public var description: String { "ln=\(logN),r=\(r),p=\(p)" }
}

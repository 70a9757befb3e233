/// The Redis Cluster hash slot of a key: CRC16 (XMODEM: polynomial 0x1021, initial value 0) of the
/// key, or of its hash tag, modulo 16384, as the cluster specification defines it.
///
/// A hash tag is the part between the first `{` and the first `}` after it, when that part is not
/// empty: `gm:rate:{tenant-a}` and `gm:cache:{tenant-a}:keys` share a slot, so one Lua script or
/// multi-key command may touch both.
public enum RedisHashSlot {
    public static let count = 16_384

    public static func of(_ key: String) -> Int {
        var key = key
        return key.withUTF8 { of(UnsafeRawBufferPointer($0)) }
    }

    public static func of(_ key: [UInt8]) -> Int {
        key.withUnsafeBytes { of($0) }
    }

    static func of(_ key: UnsafeRawBufferPointer) -> Int {
        var hashed = key[...]
        if let open = key.firstIndex(of: UInt8(ascii: "{")),
            let close = key[(open + 1)...].firstIndex(of: UInt8(ascii: "}")), close > open + 1
        {
            hashed = key[(open + 1)..<close]
        }
        var crc: UInt16 = 0
        for byte in hashed {
            crc = (crc << 8) ^ table[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)]
        }
        return Int(crc) & (count - 1)
    }

    private static let table: [UInt16] = (0..<256).map { index in
        var crc = UInt16(index) << 8
        for _ in 0..<8 {
            crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1
        }
        return crc
    }
}

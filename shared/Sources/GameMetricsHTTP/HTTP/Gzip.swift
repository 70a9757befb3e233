import CZlib

/// gzip for request bodies (`Content-Encoding: gzip`) and for the clients that send them.
public enum Gzip {
    public enum Failure: Error, Sendable, Equatable {
        /// The input is not a complete gzip (or zlib) stream.
        case corrupt
        /// The decompressed data would exceed the limit (a compression bomb, or just too big).
        case tooLarge(limit: Int)
    }

    /// Decompresses a gzip or zlib stream, refusing to produce more than `limit` bytes.
    public static func decompress(_ input: some Collection<UInt8>, limit: Int) throws(Failure) -> [UInt8] {
        let bytes = Array(input)
        var stream = z_stream()
        guard gm_inflate_init(&stream) == Z_OK else { throw .corrupt }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: min(max(bytes.count * 4, 4096), limit + 1))
        var produced = 0
        let status: Int32 = bytes.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = uInt(source.count)
            while true {
                if produced == output.count {
                    guard output.count <= limit else { return Z_BUF_ERROR }
                    output.append(contentsOf: repeatElement(0, count: min(output.count, limit + 1 - output.count)))
                }
                let result = output.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress! + produced
                    stream.avail_out = uInt(target.count - produced)
                    let result = inflate(&stream, Z_NO_FLUSH)
                    produced = target.count - Int(stream.avail_out)
                    return result
                }
                if result == Z_STREAM_END { return Z_STREAM_END }
                if result != Z_OK { return result }
                if stream.avail_in == 0 && produced < output.count { return Z_DATA_ERROR }  // truncated
            }
        }
        if produced > limit { throw .tooLarge(limit: limit) }
        guard status == Z_STREAM_END, stream.avail_in == 0 else {
            throw status == Z_BUF_ERROR && produced > limit ? .tooLarge(limit: limit) : .corrupt
        }
        output.removeSubrange(produced...)
        return output
    }

    /// Compresses into a gzip stream.
    public static func compress(_ input: some Collection<UInt8>, level: Int32 = 6) -> [UInt8] {
        let bytes = Array(input)
        var stream = z_stream()
        precondition(gm_deflate_init_gzip(&stream, level) == Z_OK, "deflateInit2 failed")
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 32)
        bytes.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                let result = deflate(&stream, Z_FINISH)
                precondition(result == Z_STREAM_END, "deflate with a deflateBound buffer must finish")
            }
        }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }
}

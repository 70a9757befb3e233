#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Metadata of one stored object, as returned by HEAD and by ListObjectsV2.
public struct S3ObjectInfo: Sendable, Equatable, Hashable {
    public var key: String
    /// Size in bytes.
    public var size: Int
    /// The entity tag without surrounding quotes (for single-part uploads, the MD5 in hex).
    public var etag: String
    /// nil only if the server sent no parseable date.
    public var lastModified: Date?

    public init(key: String, size: Int, etag: String, lastModified: Date?) {
        self.key = key
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
    }
}

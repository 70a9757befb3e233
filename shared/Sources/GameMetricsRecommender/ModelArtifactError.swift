/// Why bytes are not a model artifact this code can read.
public enum ModelArtifactError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes do not start with the artifact's magic: not a model artifact.
    case notAnArtifact
    /// Fewer or more bytes than the header announces (a cut or padded upload).
    case wrongLength(expected: Int, actual: Int)
    /// The CRC-32 over header and factors does not match: the bytes were altered.
    case checksumMismatch(expected: UInt32, actual: UInt32)
    /// The header is not the JSON this version writes, or its counts disagree with each other.
    case invalidHeader(String)
    /// Written by a newer format version.
    case unsupportedVersion(Int)

    public var description: String {
        switch self {
        case .notAnArtifact: "not a model artifact (bad magic)"
        case .wrongLength(let expected, let actual): "model artifact is \(actual) bytes, its header says \(expected)"
        case .checksumMismatch(let expected, let actual):
            "model artifact checksum mismatch (stored \(expected), computed \(actual)): corrupted"
        case .invalidHeader(let reason): "model artifact header is invalid: \(reason)"
        case .unsupportedVersion(let version): "model artifact format version \(version) is not supported"
        }
    }
}

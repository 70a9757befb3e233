/// A RESP2 reply, copied out of hiredis so no C memory outlives the call that produced it.
public enum RedisValue: Sendable, Hashable, CustomStringConvertible {
    /// A bulk string; binary-safe, so kept as bytes.
    case bulkString([UInt8])
    /// A simple status reply such as `OK` or `PONG`.
    case status(String)
    case integer(Int)
    case array([RedisValue])
    /// A nil bulk string or nil array (missing key, failed `SET NX`, ...).
    case null
    /// An error reply. `execute` throws `RedisError.serverError` for a top-level error instead;
    /// this case appears inside `pipeline` results and arrays (e.g. `EXEC`).
    case error(String)

    /// The value as text: a bulk string decoded as UTF-8 (lossily) or a status.
    public var string: String? {
        switch self {
        case .bulkString(let bytes): String(decoding: bytes, as: UTF8.self)
        case .status(let status): status
        default: nil
        }
    }

    /// The raw bytes of a bulk string or status.
    public var bytes: [UInt8]? {
        switch self {
        case .bulkString(let bytes): bytes
        case .status(let status): Array(status.utf8)
        default: nil
        }
    }

    public var integer: Int? {
        if case .integer(let value) = self { value } else { nil }
    }

    public var array: [RedisValue]? {
        if case .array(let values) = self { values } else { nil }
    }

    public var isNull: Bool {
        if case .null = self { true } else { false }
    }

    public var description: String {
        switch self {
        case .bulkString(let bytes): "\"\(String(decoding: bytes, as: UTF8.self))\""
        case .status(let status): status
        case .integer(let value): "(integer) \(value)"
        case .array(let values): "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .null: "(nil)"
        case .error(let message): "(error) \(message)"
        }
    }
}

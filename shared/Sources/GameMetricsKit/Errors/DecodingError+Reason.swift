extension DecodingError {
    /// A short reason naming the field (`missing field 'request_id'`), for dead-letter records
    /// and logs; Foundation's own description is long and names internal coding paths.
    public var fieldReason: String {
        func path(_ context: Context, appending key: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            let names = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return names.isEmpty ? "the value" : "'" + names.joined(separator: ".") + "'"
        }
        switch self {
        case .keyNotFound(let key, let context): return "missing field \(path(context, appending: key))"
        case .valueNotFound(_, let context): return "field \(path(context)) is null"
        case .typeMismatch(let type, let context): return "field \(path(context)) is not a \(type)"
        case .dataCorrupted(let context): return "field \(path(context)): \(context.debugDescription)"
        @unknown default: return "\(self)"
        }
    }
}

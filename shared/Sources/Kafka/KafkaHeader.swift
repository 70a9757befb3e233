/// A Kafka record header; `value` nil is a header with a null value.
public struct KafkaHeader: Sendable, Hashable {
    public var key: String
    public var value: [UInt8]?

    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    public init(key: String, string: String) {
        self.init(key: key, value: Array(string.utf8))
    }

    public var stringValue: String? {
        value.map { String(decoding: $0, as: UTF8.self) }
    }
}

extension Array where Element == KafkaHeader {
    /// The last value of a header key, decoded as UTF-8.
    public func string(for key: String) -> String? {
        last(where: { $0.key == key })?.stringValue
    }
}

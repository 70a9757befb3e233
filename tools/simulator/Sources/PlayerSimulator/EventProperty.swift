import Foundation

/// One member of an event's `properties` object. Properties are kept as an ordered list of
/// typed values and written straight to JSON, in this order.
struct EventProperty: Sendable, Equatable {
    enum Value: Sendable, Equatable {
        case int(Int64)
        case string(String)
        case uuid(UUID)
    }

    var key: String
    var value: Value

    init(_ key: String, _ value: Value) {
        self.key = key
        self.value = value
    }

    static func int(_ key: String, _ value: Int64) -> EventProperty { EventProperty(key, .int(value)) }
    static func int(_ key: String, _ value: Int) -> EventProperty { EventProperty(key, .int(Int64(value))) }
    static func string(_ key: String, _ value: String) -> EventProperty { EventProperty(key, .string(value)) }
    static func uuid(_ key: String, _ value: UUID) -> EventProperty { EventProperty(key, .uuid(value)) }
}

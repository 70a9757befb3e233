import Foundation
import Testing

@testable import GameMetricsKit

@Suite("Event properties")
struct EventPropertiesTests {
    @Test("init(json:) validates an object and removes insignificant whitespace only")
    func compacts() throws {
        let properties = try EventProperties(json: " { \"a b\" : [ 1 , \"x  y\" ] , \"c\":{} }\n".utf8)
        #expect(properties.jsonString == #"{"a b":[1,"x  y"],"c":{}}"#)
        #expect(properties.byteCount == properties.jsonString.utf8.count)
    }

    @Test("init(json:) refuses non-objects and invalid JSON", arguments: ["[]", "1", "", "{", #"{"a":}"#])
    func refuses(text: String) {
        #expect(throws: JSONSyntaxError.self) { try EventProperties(json: text.utf8) }
    }

    @Test("equality is by JSON value: key order and number spelling do not matter")
    func equality() throws {
        let a = try EventProperties(json: #"{"x":1,"y":[1.5,"s"]}"#.utf8)
        let b = try EventProperties(json: #"{"y":[1.50,"s"],"x":1.0}"#.utf8)
        let c = try EventProperties(json: #"{"x":2,"y":[1.5,"s"]}"#.utf8)
        #expect(a == b)
        #expect(a != c)
    }

    @Test("values read back with their types")
    func values() throws {
        let properties = try EventProperties(json: #"{"n":-12,"f":2.5e1,"t":true,"z":null,"s":"\ud83c\udfb0","o":{"k":[]}}"#.utf8)
        #expect(properties["n"] == .number("-12"))
        #expect(properties["f"] == .number("25"))
        #expect(properties["t"] == .bool(true))
        #expect(properties["z"] == .null)
        #expect(properties["s"] == .string("🎰"))
        #expect(properties["o"] == .object(["k": .array([])]))
        #expect(properties["missing"] == nil)
    }

    @Test("Codable round trip keeps the value")
    func codable() throws {
        let properties = try EventProperties(json: #"{"a":[1,2.5,"x",null,true],"b":{"c":-3},"u":18446744073709551615}"#.utf8)
        let decoded = try JSONDecoder().decode(EventProperties.self, from: JSONEncoder().encode(properties))
        #expect(decoded == properties)
    }

    @Test("JSONValue serializes compactly with sorted keys and escaped strings")
    func jsonValueText() {
        let value = JSONValue.object(["b": .string("q\"\n\u{01}"), "a": .array([.number("1"), .null])])
        #expect(value.description == #"{"a":[1,null],"b":"q\"\n\u0001"}"#)
    }
}

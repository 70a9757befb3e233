import Foundation
import Testing

@testable import GameMetricsKit

@Suite("Event batch parsing")
struct EventBatchParserTests {
    let parser = EventBatchParser(validator: testValidator)

    func body(_ events: [String]) -> String {
        #"{"events":["# + events.joined(separator: ",") + "]}"
    }

    @Test("a single event object is a one-event, non-batch body")
    func single() throws {
        let batch = try parser.parse(EventJSON.bet.text.utf8, tenantID: "t")
        #expect(!batch.isBatch)
        #expect(batch.count == 1)
        #expect(batch.accepted.map(\.playerID) == ["player-1"])
        #expect(batch.rejections.isEmpty)
    }

    @Test("a single invalid event is a rejection at index 0")
    func singleInvalid() throws {
        let text = EventJSON.bet.removing("event_id").text
        let batch = try parser.parse(text.utf8, tenantID: "t")
        #expect(batch.rejections == [EventRejection(index: 0, errors: [FieldError("event_id", .required)], rawJSON: Array(text.utf8))])
    }

    @Test("each element gets its own result; rejections carry index, errors and the raw element")
    func perIndex() throws {
        let bad = EventJSON.bet.setting("type", #""nope""#).text
        let notObject = #"  "just a string"  "#
        let text = body([EventJSON.bet.text, bad, EventJSON.minimal(.levelUp).text, notObject])
        let batch = try parser.parse(Data(text.utf8), tenantID: "tenant-a")
        #expect(batch.isBatch)
        #expect(batch.count == 4)
        #expect(batch.results.map(\.isValid) == [true, false, true, false])
        #expect(batch.accepted.map(\.type) == [.betPlaced, .levelUp])
        #expect(batch.accepted.allSatisfy { $0.tenantID == "tenant-a" })
        #expect(
            batch.rejections == [
                EventRejection(index: 1, errors: [FieldError("type", .unknownType)], rawJSON: Array(bad.utf8)),
                EventRejection(index: 3, errors: [FieldError("", .invalidType)], rawJSON: Array(#""just a string""#.utf8)),
            ])
    }

    @Test("500 events are accepted, 501 are too_many_events")
    func eventLimit() throws {
        let event = EventJSON.minimal(.pageView).text
        let ok = try parser.parse(body(Array(repeating: event, count: 500)).utf8, tenantID: "t")
        #expect(ok.accepted.count == 500)
        #expect(throws: EventBatchError.tooManyEvents(limit: 500)) {
            try parser.parse(body(Array(repeating: event, count: 501)).utf8, tenantID: "t")
        }
    }

    @Test(
        "body-level errors",
        arguments: [
            ("", EventBatchError.malformedJSON(offset: 0, message: "empty body")),
            (#"{"events":[]}"#, .emptyBatch),
            (#"{"events": [ ] }"#, .emptyBatch),
            (#"{"events":{}}"#, .eventsNotAnArray),
            (#"{"events":"[]"}"#, .eventsNotAnArray),
            (#"{"events":[{}],"events":[{}]}"#, .eventsNotAnArray),
            ("[1,2]", .notAnObject),
            ("42", .notAnObject),
            ("null", .notAnObject),
        ])
    func bodyErrors(text: String, expected: EventBatchError) {
        #expect(throws: expected) { try parser.parse(text.utf8, tenantID: "t") }
    }

    @Test(
        "malformed JSON anywhere in the body is a body error",
        arguments: [
            "not json", "{", #"{"events":[{}]"#, #"{"events":[{},]}"#, #"{"a":1,}"#, #"{"a" 1}"#, #"{'a':1}"#,
            #"{"a":01}"#, #"{"a":1.}"#, #"{"a":-}"#, #"{"a":tru}"#, #"{"a":"\x"}"#, #"{"a":"\ud800"}"#,
            #"{"a":"\udc00x"}"#, "{\"a\":\"tab\there\"}", #"{} {}"#, #"{"a":NaN}"#,
        ])
    func malformed(text: String) throws {
        let error = try #require(throws: EventBatchError.self) { try parser.parse(text.utf8, tenantID: "t") }
        #expect(error.code == "malformed_json")
        #expect(error.httpStatus == 400)
    }

    @Test(
        "invalid UTF-8 inside a string is malformed JSON",
        arguments: [
            [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x82], [0x80],
        ] as [[UInt8]])
    func invalidUTF8(sequence: [UInt8]) throws {
        let bytes = Array(#"{"player_id":""#.utf8) + sequence + Array(#""}"#.utf8)
        let error = try #require(throws: EventBatchError.self) { try parser.parse(bytes, tenantID: "t") }
        #expect(error.code == "malformed_json")
    }

    @Test("nesting deeper than 64 levels (the body object included) is refused, 64 is fine")
    func depth() throws {
        /// `levels` nested objects: {"a":{"a":...1}}.
        func nested(_ levels: Int) -> String {
            String(repeating: #"{"a":"#, count: levels - 1) + "{}" + String(repeating: "}", count: levels - 1)
        }
        let ok = EventJSON.bet.setting("properties", nested(63)).text
        #expect(try parser.parse(ok.utf8, tenantID: "t").accepted.count == 1)
        let tooDeep = EventJSON.bet.setting("properties", nested(64)).text
        let error = try #require(throws: EventBatchError.self) { try parser.parse(tooDeep.utf8, tenantID: "t") }
        #expect(error.code == "malformed_json")
        let bomb = String(repeating: "[", count: 100_000)
        #expect(throws: EventBatchError.self) { try parser.parse(bomb.utf8, tenantID: "t") }
    }

    @Test("in a batch, properties may nest as deep as in a single event (63 levels), not 2 fewer")
    func depthInBatch() throws {
        func nested(_ levels: Int) -> String {
            String(repeating: #"{"a":"#, count: levels - 1) + "{}" + String(repeating: "}", count: levels - 1)
        }
        let ok = #"{"events":["# + EventJSON.bet.setting("properties", nested(63)).text + "]}"
        #expect(try parser.parse(ok.utf8, tenantID: "t").accepted.count == 1)
        let tooDeep = #"{"events":["# + EventJSON.bet.setting("properties", nested(64)).text + "]}"
        let error = try #require(throws: EventBatchError.self) { try parser.parse(tooDeep.utf8, tenantID: "t") }
        #expect(error.code == "malformed_json")
    }

    @Test("a body over the size limit is body_too_large (413)")
    func bodySize() throws {
        let small = EventBatchParser(validator: testValidator, maxBodyBytes: 100)
        let error = try #require(throws: EventBatchError.self) { try small.parse(EventJSON.bet.text.utf8, tenantID: "t") }
        #expect(error == .bodyTooLarge(limit: 100))
        #expect(error.httpStatus == 413)
        #expect(EventBatchParser.defaultMaxBodyBytes == 1_048_576)
    }

    @Test("other top-level keys beside events are ignored")
    func extraKeys() throws {
        let text = #"{"sdk":"unity","events":["# + EventJSON.bet.text + #"],"sent_at":"2026-11-21T12:00:00Z"}"#
        let batch = try parser.parse(text.utf8, tenantID: "t")
        #expect(batch.isBatch)
        #expect(batch.accepted.count == 1)
    }

    @Test("a rejection encodes as the API's {index, errors} without the raw bytes")
    func rejectionJSON() throws {
        let rejection = EventRejection(index: 3, errors: [FieldError("type", .unknownType)], rawJSON: Array("{}".utf8))
        let object = try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(rejection)) as? [String: Any])
        #expect(Set(object.keys) == ["index", "errors"])
        #expect(object["index"] as? Int == 3)
        #expect(object["errors"] as? [[String: String]] == [["field": "type", "reason": "unknown_type"]])
    }

    @Test("body errors have distinct codes and sentences")
    func errorCodes() {
        let all: [EventBatchError] = [
            .bodyTooLarge(limit: 1), .malformedJSON(offset: 0, message: "x"), .notAnObject,
            .eventsNotAnArray, .emptyBatch, .tooManyEvents(limit: 500),
        ]
        #expect(Set(all.map(\.code)).count == all.count)
        #expect(all.allSatisfy { !$0.message.isEmpty && $0.code.allSatisfy { $0.isLowercase || $0 == "_" } })
    }
}

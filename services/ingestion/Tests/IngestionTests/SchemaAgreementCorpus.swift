import EventParserOracle
import Foundation
import GameMetricsKit
import GameMetricsTesting

/// The inputs both validators judge: the bad-input corpora the other suites use (malformed
/// requests, poison properties, the fuzzer's corpus and seeds, the generated properties of the
/// differential tests), envelope variants at every edge of every field, and valid events — the
/// demo's (the player simulator's dry run) and one per type and optional field.
enum SchemaAgreementCorpus {
    typealias Input = EventSchemaComparison.Input

    static func all() async throws -> [Input] {
        malformedRequests() + poisonProperties() + (try fuzzCorpus()) + generatedProperties(count: 1500)
            + envelopeVariants() + validEvents() + (try await demoEvents(count: 3000))
    }

    /// What ingestion writes to player.events.raw for every input it accepts (the normalized
    /// envelope, `PlayerEvent.jsonBytes()`).
    static func writtenRecords(_ inputs: [Input]) -> [Input] {
        inputs.compactMap { input in
            EventSchemaComparison.ingestion(input.bytes).event.map { Input(name: "record of \(input.name)", bytes: $0.jsonBytes()) }
        }
    }

    /// The inputs as a producer that skips ingestion would write them: with a `tenant_id` first.
    static func withTenant(_ inputs: [Input]) -> [Input] {
        inputs.map { input in
            guard input.bytes.first == UInt8(ascii: "{") else { return Input(name: "tenant + \(input.name)", bytes: input.bytes) }
            let rest = input.bytes.dropFirst()
            let empty = rest.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "}")
            return Input(name: "tenant + \(input.name)", bytes: Array(#"{"tenant_id":"tenant-a""#.utf8) + (empty ? [] : [UInt8(ascii: ",")]) + rest)
        }
    }

    /// `tenant_id` at every edge of an identifier (the stored records require it).
    static func tenantVariants() -> [Input] {
        var inputs = identifiers.map { event("tenant_id \($0.key)", replacing: [("tenant_id", $0.value)]) }
        inputs += wrongTypes.map { event("tenant_id \($0)", replacing: [("tenant_id", $0)]) }
        inputs.append(event("tenant_id missing", replacing: []))
        return inputs
    }

    /// The bodies of MalformedRequestCorpusTests (those about headers carry a valid event).
    static func malformedRequests() -> [Input] {
        MalformedRequestCorpusTests.corpus.map { Input(name: "malformed request: \($0.description)", bytes: $0.body) }
    }

    static func poisonProperties() -> [Input] {
        PoisonCorpus.entries.map {
            Input(
                name: "poison properties: \($0.name)",
                bytes: Array(
                    PoisonCorpus.event(
                        id: UUID(), tenantID: nil, playerID: "poisoner", occurredAt: RFC3339.format(Date()), properties: $0.properties
                    ).utf8))
        }
    }

    /// fuzz/event-parser/corpus and seeds: each file as an event's `properties`, spliced in as
    /// bytes (whatever they are, both sides read the same document).
    static func fuzzCorpus() throws -> [Input] {
        let fuzz = EventSchemaComparison.root.appendingPathComponent("fuzz/event-parser")
        var inputs: [Input] = []
        for folder in ["corpus", "seeds"] {
            let files = try FileManager.default.contentsOfDirectory(at: fuzz.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            for file in files.sorted(by: { $0.lastPathComponent < $1.lastPathComponent }) {
                inputs.append(Input(name: "fuzz \(folder)/\(file.lastPathComponent)", bytes: withProperties(Array(try Data(contentsOf: file)))))
            }
        }
        return inputs
    }

    /// The differential tests' generator (numbers at numeric's limits, escapes, surrogates, NUL,
    /// malformed UTF-8, nesting around the limit, long strings, duplicate keys, mutations).
    static func generatedProperties(count: Int) -> [Input] {
        var generator = PropertiesCorpusGenerator(seed: 2026_12_06)
        return (0..<count).map { Input(name: "generated properties #\($0)", bytes: withProperties(generator.next())) }
    }

    /// A valid session_start around `properties` (raw bytes).
    static func withProperties(_ properties: [UInt8]) -> [UInt8] {
        Array(#"{"event_id":"6f1c2b1e-8a4d-4c55-9f1e-3d2a7b9c0e41","player_id":"p","type":"session_start","occurred_at":"\#(RFC3339.format(Date()))","properties":"#.utf8)
            + properties + [UInt8(ascii: "}")]
    }

    /// The player simulator's events, exactly as `make demo` sends them.
    static func demoEvents(count: Int) async throws -> [Input] {
        let simulator = try TestServers.value("GM_TEST_SIMULATOR_BIN")
        let run = try await ChildProcess.capture(
            simulator, ["--dry-run", "--count", "\(count)", "--seed", "20261206"], in: FileManager.default.temporaryDirectory)
        guard run.status == 0 else { throw EventSchemaComparison.ComparisonFailure("player-simulator --dry-run exited \(run.status): \(run.standardError)") }
        let lines = run.standardOutput.split(separator: UInt8(ascii: "\n"))
        guard lines.count == count else { throw EventSchemaComparison.ComparisonFailure("player-simulator printed \(lines.count) of \(count) events") }
        return lines.enumerated().map { Input(name: "demo event #\($0.offset)", bytes: Array($0.element)) }
    }

    /// Every type, with and without each optional field.
    static func validEvents() -> [Input] {
        var inputs: [Input] = []
        for type in EventType.allCases {
            for gameID in [nil, #""slots-1""#, "null"] {
                for amount in [nil, #"{"minor":250,"currency":"EUR"}"#, "null"] {
                    for properties in [nil, "{}", #"{"round":7,"lines":[1,2,3],"bonus":{"free_spins":10}}"#, "null"] {
                        let fields = [("game_id", gameID), ("amount", amount), ("properties", properties)]
                        inputs.append(
                            event(
                                "\(type.rawValue) with \(fields.map { "\($0.0)=\($0.1 ?? "absent")" }.joined(separator: " "))",
                                type: type.rawValue, replacing: fields))
                    }
                }
            }
        }
        return inputs
    }

    /// A bet_placed with the given fields replaced (raw JSON; nil removes the field).
    static func event(_ name: String, type: String = "bet_placed", replacing: [(String, String?)], appending: String = "") -> Input {
        var fields: [(String, String?)] = [
            ("event_id", #""\#(UUID().uuidString.lowercased())""#), ("player_id", #""player-1""#), ("type", #""\#(type)""#),
            ("occurred_at", #""\#(RFC3339.format(Date()))""#), ("game_id", #""slots-1""#),
            ("amount", #"{"minor":250,"currency":"EUR"}"#), ("properties", nil),
        ]
        for (field, value) in replacing {
            if let index = fields.firstIndex(where: { $0.0 == field }) { fields[index].1 = value } else { fields.append((field, value)) }
        }
        let members = fields.compactMap { field, value in value.map { #""\#(field)":\#($0)"# } }
        return Input(name: name, bytes: Array(("{" + members.joined(separator: ",") + appending + "}").utf8))
    }

    static func string(_ text: String) -> String { #""\#(text)""# }

    typealias Cases = KeyValuePairs<String, String>

    static let wrongTypes = ["1", "true", "[]", "{}", "null", "1.5"]

    /// Identifier values at and beyond the edges: 128 scalars in 1, 2 and 4 bytes and as escapes.
    static let identifiers: Cases = [
        "one letter": string("p"), "empty": string(""), "128 letters": string(String(repeating: "a", count: 128)),
        "129 letters": string(String(repeating: "a", count: 129)), "128 two-byte scalars": string(String(repeating: "é", count: 128)),
        "129 two-byte scalars": string(String(repeating: "é", count: 129)), "128 four-byte scalars": string(String(repeating: "😀", count: 128)),
        "129 four-byte scalars": string(String(repeating: "😀", count: 129)), "128 escaped scalars": string(String(repeating: #"\u00e9"#, count: 128)),
        "129 escaped scalars": string(String(repeating: #"\u00e9"#, count: 129)),
        "128 escaped surrogate pairs": string(String(repeating: #"\ud83d\ude00"#, count: 128)),
        "129 escaped surrogate pairs": string(String(repeating: #"\ud83d\ude00"#, count: 129)),
        "NUL alone": string(#"\u0000"#), "NUL inside": string(#"a\u0000b"#), "a space": string(" "), "a newline": string(#"\n"#),
        "a lone surrogate": string(#"\udc00"#), "combining mark alone": string("\u{0301}"),
    ]

    /// Each envelope field at and beyond every edge the validator checks.
    static func envelopeVariants() -> [Input] {
        let now = Date()
        func at(_ offset: TimeInterval) -> String { string(RFC3339.format(now.addingTimeInterval(offset))) }
        let uuid = "6f1c2b1e-8a4d-4c55-9f1e-3d2a7b9c0e41"
        var inputs: [Input] = []
        func add(_ name: String, type: String = "bet_placed", _ replacing: [(String, String?)], appending: String = "") {
            inputs.append(event(name, type: type, replacing: replacing, appending: appending))
        }

        for (name, value) in [
            "lowercase": string(uuid), "uppercase": string(uuid.uppercased()), "nil": string("00000000-0000-0000-0000-000000000000"),
            "max": string("ffffffff-ffff-ffff-ffff-ffffffffffff"), "braces": string("{\(uuid)}"), "urn": string("urn:uuid:\(uuid)"),
            "35 characters": string(String(uuid.dropLast())), "37 characters": string(uuid + "0"), "trailing newline": string(uuid + #"\n"#),
            "leading space": string(" " + uuid), "a g": string("g" + uuid.dropFirst()), "no dashes": string(uuid.replacingOccurrences(of: "-", with: "")),
            "dash moved": string("6f1c2b1e8-a4d-4c55-9f1e-3d2a7b9c0e41"), "escaped digit": string(#"\u0036"# + uuid.dropFirst()), "empty": string(""),
        ] as Cases { add("event_id \(name)", [("event_id", value)]) }
        for value in wrongTypes { add("event_id \(value)", [("event_id", value)]) }
        add("event_id missing", [("event_id", nil)])

        for (name, value) in identifiers {
            add("player_id \(name)", [("player_id", value)])
            add("game_id \(name) on a game round", type: "game_round", [("game_id", value)])
            add("game_id \(name) on a session start", type: "session_start", [("game_id", value)])
        }
        for value in wrongTypes {
            add("player_id \(value)", [("player_id", value)])
            add("game_id \(value) on a game round", type: "game_round", [("game_id", value)])
            add("game_id \(value) on a session start", type: "session_start", [("game_id", value), ("amount", nil)])
        }
        add("player_id missing", [("player_id", nil)])

        for type in EventType.allCases.map(\.rawValue) + ["BET_PLACED", "bet_placed ", "", "jackpot", #"bet\u005fplaced"#, "bet_placed\u{0}"] {
            for (gameID, amount) in [(true, true), (true, false), (false, true), (false, false)] {
                add(
                    "type \(type) game_id \(gameID) amount \(amount)", type: type,
                    [("game_id", gameID ? string("g") : nil), ("amount", amount ? #"{"minor":1,"currency":"USD"}"# : nil)])
            }
        }
        for value in wrongTypes { add("type \(value)", [("type", value)]) }
        add("type missing", [("type", nil)])

        let today = RFC3339.format(now)
        let date = String(today.prefix(10)), time = String(today.dropFirst(11).prefix(8))
        for (name, value) in [
            "now": at(0), "lowercase t and z": string(date + "t" + time + "z"), "no fraction": string(date + "T" + time + "Z"),
            "one fraction digit": string(date + "T" + time + ".5Z"), "twelve fraction digits": string(date + "T" + time + ".123456789012Z"),
            "zero offset": string(date + "T" + time + "+00:00"), "negative zero offset": string(date + "T" + time + "-00:00"),
            "offset 23:59": string(date + "T" + time + "+23:59"), "offset 24:00": string(date + "T" + time + "+24:00"),
            "offset without colon": string(date + "T" + time + "+0000"), "no zone": string(date + "T" + time),
            "space separator": string(date + " " + time + "Z"), "no seconds": string(date + "T" + time.prefix(5) + "Z"),
            "comma fraction": string(date + "T" + time + ",5Z"), "point without digits": string(date + "T" + time + ".Z"),
            "trailing newline": string(date + "T" + time + #"Z\n"#), "date only": string(date),
            "4 min 59 s ahead": at(299), "5 min 1 s ahead": at(301), "6 days 23 h old": at(-6 * 86_400 - 23 * 3600),
            "7 days 1 s old": at(-7 * 86_400 - 1), "ten years ahead": at(10 * 365 * 86_400),
            "year 0000": string("0000-06-01T00:00:00Z"), "year 0001 by offset in year 0000": string("0001-01-01T00:30:00+01:00"),
            "year 9999": string("9999-12-31T23:59:59.999999Z"), "leap second": string(date + "T23:59:60Z"), "hour 24": string(date + "T24:00:00Z"),
            "February 29 of a common year": string("2026-02-29T12:00:00Z"), "February 29 of a leap year": string("2028-02-29T12:00:00Z"),
            "February 29 of 2000": string("2000-02-29T12:00:00Z"), "February 29 of 2100": string("2100-02-29T12:00:00Z"),
            "February 30": string("2028-02-30T12:00:00Z"), "April 31": string("2026-04-31T12:00:00Z"), "month 13": string("2026-13-01T12:00:00Z"),
            "day 00": string("2026-12-00T12:00:00Z"), "December 31": string("2026-12-31T12:00:00Z"), "escaped digit": string(#"\u0032"# + today.dropFirst()),
        ] as Cases { add("occurred_at \(name)", [("occurred_at", value)]) }
        for value in wrongTypes { add("occurred_at \(value)", [("occurred_at", value)]) }
        add("occurred_at missing", [("occurred_at", nil)])

        for (name, value) in [
            "zero": #"{"minor":0,"currency":"EUR"}"#, "negative zero": #"{"minor":-0,"currency":"EUR"}"#,
            "Int64.max": #"{"minor":9223372036854775807,"currency":"EUR"}"#, "Int64.max + 1": #"{"minor":9223372036854775808,"currency":"EUR"}"#,
            "30 digits": #"{"minor":123456789012345678901234567890,"currency":"EUR"}"#, "negative": #"{"minor":-1,"currency":"EUR"}"#,
            "fraction": #"{"minor":1.5,"currency":"EUR"}"#, "1.0": #"{"minor":1.0,"currency":"EUR"}"#, "1e2": #"{"minor":1e2,"currency":"EUR"}"#,
            "-1.0": #"{"minor":-1.0,"currency":"EUR"}"#, "1.5e1": #"{"minor":1.5e1,"currency":"EUR"}"#, "minor a string": #"{"minor":"100","currency":"EUR"}"#,
            "minor null": #"{"minor":null,"currency":"EUR"}"#, "minor missing": #"{"currency":"EUR"}"#, "currency missing": #"{"minor":1}"#,
            "currency null": #"{"minor":1,"currency":null}"#, "currency a number": #"{"minor":1,"currency":978}"#,
            "lowercase currency": #"{"minor":1,"currency":"eur"}"#, "XTS": #"{"minor":1,"currency":"XTS"}"#, "XXX": #"{"minor":1,"currency":"XXX"}"#,
            "ZZZ": #"{"minor":1,"currency":"ZZZ"}"#, "withdrawn HRK": #"{"minor":1,"currency":"HRK"}"#, "new XCG": #"{"minor":1,"currency":"XCG"}"#,
            "two letters": #"{"minor":1,"currency":"EU"}"#, "four letters": #"{"minor":1,"currency":"EURO"}"#, "escaped currency": #"{"minor":1,"currency":"\u0045UR"}"#,
            "extra key": #"{"minor":1,"currency":"EUR","note":{"x":[1]}}"#, "duplicate minor": #"{"minor":1,"minor":2,"currency":"EUR"}"#,
            "duplicate currency": #"{"minor":1,"currency":"EUR","currency":"USD"}"#, "duplicate extra key": #"{"minor":1,"currency":"EUR","n":1,"n":2}"#,
            "empty object": "{}", "an array": "[250]", "a string": string("250 EUR"), "null": "null",
        ] as Cases {
            add("amount \(name) on a bet", [("amount", value)])
            add("amount \(name) on a session start", type: "session_start", [("amount", value), ("game_id", nil)])
        }
        add("amount missing on a bet", [("amount", nil)])

        for (name, value) in [
            "empty": "{}", "null": "null", "an array": "[1]", "a string": string("x"), "a number": "1", "true": "true",
            "NUL key": #"{"\u0000":1}"#, "NUL hidden by a duplicate key": #"{"a":"\u0000","a":1}"#, "deep value hidden by a duplicate key": #"{"d":"# + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + #","d":1}"#,
            "NUL deep": #"{"a":[{"b":"c\u0000"}]}"#, "escaped slash": #"{"a":"\/"}"#,
            "8192 bytes": #"{"p":""# + String(repeating: "x", count: 8185) + #""}"#, "8193 bytes": #"{"p":""# + String(repeating: "x", count: 8186) + #""}"#,
            "8192 bytes with whitespace": "{ \"p\" : \"" + String(repeating: "x", count: 8185) + "\" }",
            "big number": #"{"n":1e131072}"#, "long fraction": #"{"n":0."# + String(repeating: "1", count: 16384) + "}",
        ] as Cases { add("properties \(name)", type: "session_start", [("properties", value), ("game_id", nil), ("amount", nil)]) }

        for (name, value) in ["a string": string("other-tenant"), "a number": "7", "null": "null", "an object": #"{"id":1}"#] as Cases {
            add("tenant_id \(name)", [("tenant_id", value)])
        }
        add("tenant_id twice", [], appending: #","tenant_id":"a","tenant_id":"b""#)
        add("unknown keys", [], appending: #","source":"sdk","events":[],"extra":{"a":[1,{"b":null}]}"#)
        add("unknown key twice", [], appending: #","x":1,"x":2"#)
        for field in ["event_id", "player_id", "type", "occurred_at", "game_id", "amount"] {
            let value: String =
                switch field {
                case "event_id": string(uuid)
                case "occurred_at": at(0)
                case "amount": #"{"minor":1,"currency":"EUR"}"#
                case "type": string("bet_placed")
                default: string("x")
                }
            add("\(field) given twice", [], appending: ",\"\(field)\":\(value)")
            add("\(field) given twice, the second invalid", [], appending: ",\"\(field)\":[]")
        }
        add("properties given twice", [("properties", "{}")], appending: #","properties":{}"#)
        add("everything wrong at once", [("event_id", "1"), ("player_id", string("")), ("type", string("x")), ("occurred_at", string("now"))])
        return inputs
    }
}

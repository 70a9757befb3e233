import CLibPQ
import EventParserOracle
import Foundation
import GameMetricsKit

// libFuzzer target: every input is read as an event's `properties` by the validator, Foundation's
// JSONSerialization and PostgreSQL's jsonb (over libpq, to the throwaway server run.sh starts);
// an unexplained disagreement (PropertiesObservation.judgement) crashes, so libFuzzer keeps the
// input. The same bytes also go through whole-event validation (FuzzTarget.wholeEventProblem).
// Built and run by fuzz/event-parser/run.sh; the corpus is replayed by make test
// (IntegrationTests, FuzzCorpusReplayTests).

/// One connection for the whole run, with two prepared statements (text parameters sent in
/// binary form: the bytes as they are, checked by the server's UTF-8 verification).
final class PostgresJSONB {
    let connection: OpaquePointer

    init() {
        guard let info = ProcessInfo.processInfo.environment["GM_FUZZ_PG"] else {
            fatalError("GM_FUZZ_PG (a libpq connection string) is not set; use fuzz/event-parser/run.sh")
        }
        guard let connection = PQconnectdb(info), PQstatus(connection) == CONNECTION_OK else {
            fatalError("cannot connect to PostgreSQL (\(info))")
        }
        self.connection = connection
        prepare("parse", "SELECT $1::text::jsonb IS NOT NULL", parameters: 1)
        prepare("compare", "SELECT $1::text::jsonb = $2::text::jsonb", parameters: 2)
    }

    private func prepare(_ name: String, _ sql: String, parameters: Int32) {
        let types = [Oid](repeating: 25, count: Int(parameters))  // text
        let result = PQprepare(connection, name, sql, parameters, types)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else {
            fatalError("PREPARE \(name): \(String(cString: PQerrorMessage(connection)))")
        }
    }

    /// `input::jsonb`, and when `compact` is given whether it is jsonb-equal to the input.
    func verdict(input: [UInt8], compact: [UInt8]?) -> PostgresVerdict {
        let parameters = compact.map { [input, $0] } ?? [input]
        let result: OpaquePointer? = withPointers(parameters) { values, lengths in
            let formats = [Int32](repeating: 1, count: parameters.count)
            return PQexecPrepared(connection, compact == nil ? "parse" : "compare", Int32(parameters.count), values, lengths, formats, 0)
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK:
            let value = String(cString: PQgetvalue(result, 0, 0))
            return .accepted(compactEqual: compact == nil ? nil : value == "t")
        case PGRES_FATAL_ERROR:
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? "?"
            let message = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) } ?? "?"
            if PQstatus(connection) != CONNECTION_OK { fatalError("lost the PostgreSQL connection: \(message)") }
            return .refused(sqlState: state, message: message)
        default:
            fatalError("unexpected libpq result: \(String(cString: PQerrorMessage(connection)))")
        }
    }

    private func withPointers<R>(_ buffers: [[UInt8]], _ body: ([UnsafePointer<CChar>?], [Int32]) -> R) -> R {
        // Copies that live for the call; libpq reads binary values by length, NUL bytes included.
        let copies = buffers.map { bytes -> UnsafeMutablePointer<CChar> in
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: max(bytes.count, 1))
            bytes.withUnsafeBytes { raw in
                if let base = raw.baseAddress { p.initialize(from: base.assumingMemoryBound(to: CChar.self), count: bytes.count) }
            }
            return p
        }
        defer { copies.forEach { $0.deallocate() } }
        return body(copies.map { UnsafePointer($0) }, buffers.map { Int32($0.count) })
    }
}

nonisolated(unsafe) var postgres: PostgresJSONB?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if postgres == nil { postgres = PostgresJSONB() }
    var observation = PropertiesObservation(input: bytes, validator: FuzzTarget.validator)
    observation.postgres = postgres!.verdict(input: bytes, compact: observation.compact)
    if case .disagreement(let what) = observation.judgement(maxPropertiesBytes: FuzzTarget.maxPropertiesBytes) {
        fatalError("disagreement: \(what)\ninput: \(PropertiesObservation.show(bytes))")
    }
    if let problem = FuzzTarget.wholeEventProblem(bytes) { fatalError(problem) }
    return 0
}

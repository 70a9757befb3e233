import EventParserOracle
import GameMetricsTesting
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// PostgreSQL's reading of bytes as `jsonb`, on one connection of the test server: the bytes go
/// as `bytea` and `convert_from(…, 'UTF8')` checks their encoding (refusing byte 0 and malformed
/// UTF-8) as text input does, before `::jsonb` parses them.
struct PostgresJSONBReader {
    let connection: PostgresConnection
    let logger: Logger

    /// Runs `body` with a reader on a fresh connection to `GM_TEST_PG_URL`.
    static func with<T: Sendable>(_ body: (PostgresJSONBReader) async throws -> T) async throws -> T {
        var logger = Logger(label: "jsonb-reader")
        logger.logLevel = .error
        let url = try TestServers.value("GM_TEST_PG_URL")
        let client = PostgresClient(configuration: try PostgresClient.Configuration(url: URL(string: url)!), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await client.withConnection { connection in
                try await body(PostgresJSONBReader(connection: connection, logger: logger))
            }
        }
    }

    /// `input::jsonb`; with `compact`, also whether it is jsonb-equal to the input.
    func verdict(input: [UInt8], compact: [UInt8]?) async throws -> PostgresVerdict {
        let original = ByteBuffer(bytes: input)
        do {
            // A missing row leaves compactEqual nil, which the oracle treats as unequal.
            var equal: Bool?
            if let compact {
                let query: PostgresQuery = "SELECT convert_from(\(original), 'UTF8')::jsonb = convert_from(\(ByteBuffer(bytes: compact)), 'UTF8')::jsonb"
                for try await value in try await connection.query(query, logger: logger).decode(Bool.self) { equal = value }
                return .accepted(compactEqual: equal)
            }
            let query: PostgresQuery = "SELECT convert_from(\(original), 'UTF8')::jsonb IS NOT NULL"
            for try await _ in try await connection.query(query, logger: logger).decode(Bool.self) {}
            return .accepted(compactEqual: nil)
        } catch let error as PSQLError {
            guard let state = error.serverInfo?[.sqlState] else { throw error }
            return .refused(sqlState: state, message: error.serverInfo?[.message] ?? "")
        }
    }
}

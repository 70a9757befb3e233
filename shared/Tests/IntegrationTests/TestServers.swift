import Foundation
import Testing

/// Addresses of the servers `tools/platform/test.sh` started for this run. A missing variable
/// fails the test with a message instead of skipping it, so a broken set-up cannot pass silently.
enum TestServers {
    static func value(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            Issue.record("\(name) is not set: run the tests through `make test`, which starts the servers")
            throw MissingTestServer(variable: name)
        }
        return value
    }

    static var kafkaBootstrap: [String] {
        get throws { try value("GM_TEST_KAFKA_BOOTSTRAP").split(separator: ",").map(String.init) }
    }

    static var devKafkaURL: URL {
        get throws { URL(string: try value("GM_TEST_DEVKAFKA_URL"))! }
    }

    struct MissingTestServer: Error {
        let variable: String
    }
}

/// Runs `body`, failing if it takes longer than `limit` (a hung client must not hang CI).
func withTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        let first = try await group.next()
        group.cancelAll()
        guard case .some(.some(let value)) = first else { throw TimedOut(limit: limit) }
        return value
    }
}

struct TimedOut: Error, CustomStringConvertible {
    let limit: Duration
    var description: String { "did not finish within \(limit)" }
}

import Foundation
import GameMetricsTesting

/// Every KafkaUser of the rendered charts/kafka with its ACLs, and each service chart's literal
/// container environment, as `tools/charts/kafka.py --users` prints them (run with
/// `GM_TEST_CHARTS_PYTHON`, the charts' virtualenv that `tools/platform/test.sh` names).
struct ChartedKafkaUsers: Decodable {
    /// One permission: an operation on a resource (`topic`, `group`, ...) by name.
    struct ACL: Decodable, Hashable, Comparable, CustomStringConvertible {
        var type: String
        var name: String
        var patternType: String = "literal"
        var operation: String
        var host: String = "*"

        static func < (lhs: ACL, rhs: ACL) -> Bool {
            (lhs.type, lhs.name, lhs.operation) < (rhs.type, rhs.name, rhs.operation)
        }

        var description: String { "\(operation) on \(type) \(name)\(patternType == "literal" ? "" : " (\(patternType))")\(host == "*" ? "" : " from \(host)")" }
    }

    var users: [String: [ACL]]
    var environments: [String: [String: String]]

    static func render() async throws -> ChartedKafkaUsers {
        let python = try TestServers.value("GM_TEST_CHARTS_PYTHON")
        let result = try await ChildProcess.capture(python, ["tools/charts/kafka.py", "--users"], in: ChartedPolicies.repositoryRoot)
        guard result.status == 0 else { throw ChartedPolicies.RendererFailed(status: result.status, stderr: result.standardError) }
        return try JSONDecoder().decode(ChartedKafkaUsers.self, from: result.standardOutput)
    }
}

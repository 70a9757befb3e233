import Foundation
import GameMetricsTesting
import Testing

/// The secrets the charts mount into each service and Job (`tools/charts/secret_stores.py
/// --mounted`: the `X_FILE` variables of each rendered workload, whose files come from its
/// ExternalSecret, policy.secret_sources) against the secrets the code reads (``ServiceCallGraph``:
/// every `X` whose `X_FILE` it asks for). A secret read but not mounted fails the service at its
/// first start in a cluster; one mounted but never read is a credential the pod did not need.
@Suite("The charts mount exactly the secrets the services and their Jobs read", .serialized)
struct SecretMountTests {
    @Test("every secret a service or Job reads is mounted from its ExternalSecret, and no other")
    func mountedSecretsAreTheOnesRead() async throws {
        let graph = try await ServiceCallGraph.derive()
        let python = try TestServers.value("GM_TEST_CHARTS_PYTHON")
        let result = try await ChildProcess.capture(python, ["tools/charts/secret_stores.py", "--mounted"], in: ChartedPolicies.repositoryRoot)
        try #require(result.status == 0, "secret_stores.py --mounted exited \(result.status): \(result.standardError)")
        let mounted = try JSONDecoder().decode([String: [String]].self, from: result.standardOutput)
        for caller in ServiceCallGraph.callers {
            let read = Set(graph.reads[caller, default: []].filter { $0.hasSuffix("_FILE") }.map { String($0.dropLast("_FILE".count)) })
            let charted = Set(mounted[caller] ?? [])
            #expect(read.subtracting(charted).isEmpty, "\(caller) reads secrets its chart does not mount: \(read.subtracting(charted).sorted())")
            #expect(charted.subtracting(read).isEmpty, "\(caller) is given secrets it never reads: \(charted.subtracting(read).sorted())")
        }
        #expect(Set(mounted.keys).isSubset(of: Set(ServiceCallGraph.callers)), "workloads the call graph does not know: \(Set(mounted.keys).subtracting(ServiceCallGraph.callers).sorted())")
    }
}

import Foundation
import GameMetricsKit
import GameMetricsTesting
import HTTPTypes
import Hummingbird
import NIOCore
import NIOEmbedded
import Testing

/// The charts' NetworkPolicies and Istio AuthorizationPolicies (rendered by
/// `tools/charts/edges.py`) against the call graph the services and their Jobs really use
/// (``ServiceCallGraph``): an edge allowed but not used widens the blast radius of a compromised
/// pod; an edge used but not allowed breaks the caller at its first connection in a cluster.
/// Ingress edges are declared by the charts (public services), not derived. One test at a time:
/// two renderings at once collide in the charts' folders (helm's dependency build writes there).
@Suite("The charts allow exactly the connections the services make", .serialized)
struct CallGraphTests {
    @Test("every address variable a service or Job reads names a known service or infrastructure")
    func everyAddressReadIsKnown() async throws {
        let graph = try await ServiceCallGraph.derive()
        #expect(graph.unknownAddresses.isEmpty, "new dependencies: map them in CallTarget and add them to the charts' call graph (global.callGraph)")
        #expect(graph.reads.keys.sorted() == ServiceCallGraph.callers.sorted())
    }

    @Test("the NetworkPolicies allow every connection a service makes, Prometheus's scrapes included, and no other")
    func networkPoliciesMatchTheCallGraph() async throws {
        let derived = try await ServiceCallGraph.derive().edges
        let charted = try await ChartedPolicies.render()
        expectSame(charted: charted.networkPolicy, derived: derived, policy: "NetworkPolicy")
        for edge in charted.halfOpen.sorted() {
            Issue.record("NetworkPolicy allows \(edge) on one side only (the caller's egress or the callee's ingress)")
        }
    }

    @Test("the AuthorizationPolicies allow every call to a service and no other")
    func authorizationPoliciesMatchTheCallGraph() async throws {
        let services = Set(PlatformService.all.map(\.name))
        let derived = try await ServiceCallGraph.derive().edges.filter { services.contains($0.to) }
        let charted = try await ChartedPolicies.render()
        for edge in charted.authorizationPolicy.sorted() where !services.contains(edge.to) {
            Issue.record("AuthorizationPolicy allows \(edge), whose target is not a service (the mesh guards only the services)")
        }
        expectSame(charted: charted.authorizationPolicy.filter { services.contains($0.to) }, derived: derived, policy: "AuthorizationPolicy")
    }

    @Test("ingress reaches only the public port of services that serve an OpenAPI document")
    func ingressReachesOnlyDocumentedPublicPorts() async throws {
        let charted = try await ChartedPolicies.render()
        let ingress = Set((charted.networkPolicy + charted.authorizationPolicy).filter { $0.from == "ingress" })
        for edge in ingress.sorted() {
            #expect(edge.port == "http", "ingress may reach \(edge): only a service's public port is public")
            guard let service = PlatformService.all.first(where: { $0.name == edge.to }) else {
                Issue.record("ingress may reach \(edge), which is not one of the services")
                continue
            }
            let status = try await Self.publicStatus(of: "/openapi.json", on: try ServiceCallGraph.application(of: service, PlatformContract.unreachableDependencies))
            // 503: the route exists behind the start-up gate (ADR 0023: a service whose start-up
            // steps have not finished answers its own routes `starting`; unknown paths get 404).
            #expect(
                status == .ok || status == .serviceUnavailable,
                "ingress may reach \(edge), whose public port answers GET /openapi.json with \(status): a public service documents its API")
        }
    }

    @Test("an address variable read maps to its edge, and an unknown one is flagged")
    func variablesMapToEdges() {
        #expect(CallTarget(variable: "GM_PG_MIGRATION_URL") == .connects(to: "postgres", port: "postgres"))
        #expect(CallTarget(variable: "GM_AUDIT_ANCHOR_S3_ENDPOINT") == .connects(to: "s3", port: "s3"))
        #expect(CallTarget(variable: "GM_ANALYTICS_API_URL") == .connects(to: "analytics-api", port: "http"))
        #expect(CallTarget(variable: "GM_ANALYTICS_API_INTERNAL_URL") == .connects(to: "analytics-api", port: "internal"))
        #expect(CallTarget(variable: "GM_INTERNAL_HTTP_PORT") == .scrapedByPrometheus)
        #expect(CallTarget(variable: "GM_NOTIFICATION_SMTP_URL") == .connects(to: "smtp", port: "smtp"))
        #expect(CallTarget(variable: "GM_NOTIFICATION_ALERTMANAGER_TOKEN") == .calledBy(from: "alertmanager", port: "http"))
        #expect(CallTarget(variable: "GM_NOTIFICATION_PUBLIC_URL") == .none)
        #expect(CallTarget(variable: "GM_BILLING_URL") == .unknownAddress)
        #expect(CallTarget(variable: "GM_SMTP_ENDPOINT") == .unknownAddress)
        #expect(CallTarget(variable: "GM_HTTP_PORT") == .none)
        let graph = ServiceCallGraph(reads: [
            "ingestion": ["GM_USER_URL", "GM_INTERNAL_HTTP_PORT", "GM_HTTP_PORT"],
            "user-migrate": ["GM_PG_MIGRATION_URL"],
            "admin": ["GM_BILLING_URL"],
        ])
        #expect(
            graph.edges == [
                CallEdge(from: "ingestion", to: "user", port: "http"),
                CallEdge(from: "prometheus", to: "ingestion", port: "internal"),
                CallEdge(from: "user-migrate", to: "postgres", port: "postgres"),
            ])
        #expect(graph.unknownAddresses == ["admin: GM_BILLING_URL"])
    }

    /// Fails naming each edge `policy` allows that no caller uses, and each used edge it blocks;
    /// ingress edges are left out (declared, not derived).
    private func expectSame(charted: [CallEdge], derived: Set<CallEdge>, policy: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let allowed = Set(charted.filter { $0.from != "ingress" })
        for edge in allowed.subtracting(derived).sorted() {
            Issue.record("\(policy) allows \(edge), which no service or Job uses", sourceLocation: sourceLocation)
        }
        for edge in derived.subtracting(allowed).sorted() {
            Issue.record("\(policy) blocks \(edge), which \(edge.from) uses", sourceLocation: sourceLocation)
        }
    }

    /// What the application's public router answers `GET path`, asked directly: neither its
    /// services nor its start-up steps run (the user service's migrations would wait for a
    /// PostgreSQL that is not there).
    private static func publicStatus(of path: String, on application: some ApplicationProtocol) async throws -> HTTPResponse.Status {
        let responder = try await application.responder
        let request = Request(
            head: HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: path), body: RequestBody(buffer: ByteBuffer()))
        let context = type(of: application).Context(source: .init(channel: EmbeddedChannel(), logger: application.logger))
        return try await responder.respond(to: request, context: context).status
    }
}

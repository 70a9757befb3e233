import Foundation
import GameMetricsHTTP

/// Makes each operation's ``AnalyticsContext`` from the caller and the service's readers.
struct ContextFactory: Sendable {
    let store: any AnalyticsStore
    let cache: AnswerCache
    let lag: (any ConsumerLagSource)?
    let audit: any CrossTenantAudit
    let limits: QueryLimits
    let minuteGrainDays: Int

    func context(for identity: Identity, operation: GraphQLExecutor.Operation) -> AnalyticsContext {
        AnalyticsContext(
            scope: RequestScope(identity: identity, operationName: operation.operationName, querySHA256: operation.sha256, audit: audit), store: store,
            cache: cache, lag: lag, limits: limits, minuteGrainDays: minuteGrainDays, now: Date())
    }
}

import Foundation
import GameMetricsKit
import GameMetricsHTTP
import Hummingbird

/// `GET /pipeline`: what operators check when numbers look wrong: each service's readiness,
/// the stored events per minute, refused events by reason, the processor's consumer lag and the
/// dead-letter queue, for the last 24 hours.
struct PipelineController: Sendable {
    let pages: ConsolePages
    let analytics: AnalyticsQueries
    let readiness: ServiceReadiness
    /// Nil when `GM_NOTIFICATION_URL` is not set.
    let deadLetters: NotificationDeadLetters?

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("pipeline", use: page)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await pages.page(request) { signedIn in
            let now = Date()
            let to = RFC3339.format(now.addingTimeInterval(60 - now.timeIntervalSince1970.truncatingRemainder(dividingBy: 60)))
            let day = RangeVariables(from: RFC3339.format(now.addingTimeInterval(-86_400)), to: to)
            let recent = SeriesVariables(metric: "EVENTS", grain: "MINUTE", from: RFC3339.format(now.addingTimeInterval(-1_800)), to: to, timeZone: "UTC")
            let caller = OperatorCall(signedIn, context)
            async let services = readiness.rows()
            async let health = attempt { try await analytics.run(.pipelineHealth, day, as: PipelineAnswer.self, for: caller).pipelineHealth }
            async let rate = attempt { try await analytics.run(.metricSeries, recent, as: SeriesAnswer.self, for: caller).timeSeries.points }
            async let dead = attempt { () -> Int? in try await deadLetters?.count(as: caller) }
            let content = PipelinePage(services: await services, health: await health, rate: await rate, deadLetters: await dead)
            let frame = PageFrame.signedIn(signedIn.session, title: "Pipeline health", current: "/pipeline", script: "pipeline.js")
            return pages.renderer.page("pipeline", frame: frame, content: content)
        }
    }
}

/// The pipeline page as the template shows it.
struct PipelinePage: Sendable {
    struct InvalidRow: Sendable {
        let source: String
        let reason: String
        let events: String
    }
    struct PartitionRow: Sendable {
        let partition: Int
        let committed: String
        let highWatermark: String
        let lag: String
    }

    let services: [ServiceReadiness.Row]
    let noServices: Bool
    let healthError: String?
    let invalidTotal: String
    let invalid: [InvalidRow]
    let noInvalid: Bool
    let lagError: String?
    let lagGroup: String
    let lagTopic: String
    let totalLag: String
    let partitions: [PartitionRow]
    let deadLetters: String
    let rateError: String?
    let rateJSON: String
    let lastMinuteRate: String

    init(
        services: [ServiceReadiness.Row], health: Result<PipelineAnswer.Health, any Error>, rate: Result<[SeriesAnswer.Series.Point], any Error>,
        deadLetters dead: Result<Int?, any Error>
    ) {
        self.services = services
        noServices = services.isEmpty
        func message(_ error: any Error) -> String { (error as? UpstreamError)?.message ?? "\(error)" }
        switch health {
        case .success(let health):
            healthError = nil
            invalidTotal = Formatting.count(health.invalidEventsTotal)
            invalid = health.invalidEvents.map { InvalidRow(source: $0.source, reason: $0.reason, events: Formatting.count($0.events)) }
            lagError = health.consumerLag == nil ? "Kafka did not answer: the consumer lag is unknown right now." : nil
            lagGroup = health.consumerLag?.group ?? ""
            lagTopic = health.consumerLag?.topic ?? ""
            totalLag = health.consumerLag.map { Formatting.count($0.totalLag) } ?? "—"
            partitions = (health.consumerLag?.partitions ?? []).map {
                PartitionRow(
                    partition: $0.partition, committed: $0.committedOffset.map(Formatting.count) ?? "none", highWatermark: Formatting.count($0.highWatermark),
                    lag: Formatting.count($0.lag))
            }
        case .failure(let error):
            healthError = message(error)
            (invalidTotal, invalid, lagError, lagGroup, lagTopic, totalLag, partitions) = ("—", [], nil, "", "", "—", [])
        }
        switch dead {
        case .success(let count?):
            deadLetters = count >= NotificationDeadLetters.pageSize ? "\(NotificationDeadLetters.pageSize) or more" : Formatting.count(Double(count))
        case .success(nil):
            deadLetters = "not reported (GM_NOTIFICATION_URL is not set)"
        case .failure(let error):
            deadLetters = "not reported: \(message(error))"
        }
        noInvalid = invalid.isEmpty
        switch rate {
        case .success(let points):
            rateError = nil
            rateJSON = (try? String(decoding: JSONEncoder().encode(points), as: UTF8.self)) ?? "[]"
            let complete = points.dropLast()
            lastMinuteRate = complete.last.map { Formatting.count($0.value / 60) } ?? "—"
        case .failure(let error):
            (rateError, rateJSON, lastMinuteRate) = (message(error), "[]", "—")
        }
    }
}

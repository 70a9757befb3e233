import Foundation
import GameMetricsHTTP
import GameMetricsKit
import Hummingbird
import Kafka
import Logging

/// `POST /v1/events`: one event or `{"events":[...]}`, answered 202 only once Kafka has
/// acknowledged every accepted event (on the raw topic) and every rejected one (on the invalid
/// topic, with its reasons).
struct EventController: Sendable {
    let authenticator: IngestionAuthenticator
    let limiter: TenantRateLimiter
    let parser: EventBatchParser
    let recent: RecentEventIDs
    let publisher: any EventPublisher
    let topics: Topics
    let unavailableRetryAfterSeconds: Int

    struct Topics: Sendable {
        var raw: String
        var invalid: String
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("v1/events", use: ingest)
    }

    @Sendable func ingest(_ request: Request, context: AppRequestContext) async throws -> Response {
        var tenant = "unknown"
        do {
            let credential = try await authenticator.authenticate(request, remoteAddress: context.remoteAddress)
            tenant = credential.tenantID
            if case .throttled(let wait) = await limiter.admit(tenant: tenant, limit: credential.requestsPerSecondLimit) {
                IngestionMetrics.tenant(tenant).throttled.increment()
                throw APIError(
                    .tooManyRequests, code: "rate_limited",
                    message: "Over the tenant's limit of \(credential.requestsPerSecondLimit) requests per second.",
                    headers: [.retryAfter: String(RateDecision.retryAfterSeconds(wait))])
            }
            let body = try await EventRequestBody.read(request, limit: parser.maxBodyBytes)
            let batch: EventBatch
            do {
                batch = try parser.parse(body.readableBytesView, tenantID: tenant)
            } catch {
                throw APIError(HTTPResponse.Status(code: error.httpStatus), code: error.code, message: error.message)
            }
            if !batch.isBatch, let rejection = batch.rejections.first {
                try await refuseSingleEvent(rejection, tenant: tenant, context: context)
            }
            return try await publish(batch, tenant: tenant, context: context)
        } catch let error as APIError {
            if error.status != .tooManyRequests {
                IngestionMetrics.rejectedRequest(tenant: tenant, code: error.code).increment()
            }
            throw error
        }
    }

    /// A body that is one invalid event is a 400 naming every problem (there is nothing to
    /// accept); the event is still recorded on the invalid topic for the tenant's operators.
    private func refuseSingleEvent(_ rejection: EventRejection, tenant: String, context: AppRequestContext) async throws -> Never {
        let record = InvalidEventRecord(
            tenantID: tenant, source: "ingestion", receivedAt: Date(), index: nil, errors: rejection.errors, payload: .json(rejection.rawJSON))
        let results = await publisher.publish([
            KafkaProducerMessage(
                topic: topics.invalid, key: Array(tenant.utf8), value: record.jsonBytes(),
                headers: [KafkaHeader(key: TraceParent.headerName, string: context.trace.description)])
        ])
        if case .failure(let error) = results.first {
            context.logger.warning("invalid event not recorded on the invalid topic", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
        }
        IngestionMetrics.rejectedEvent(tenant: tenant, reason: rejection.errors.first?.reason ?? "invalid").increment()
        throw APIError.badRequest("The event is not valid; see details.", code: "invalid_event", details: rejection.errors)
    }

    private func publish(_ batch: EventBatch, tenant: String, context: AppRequestContext) async throws -> Response {
        let accepted = batch.accepted
        let (fresh, duplicates) = recent.unseen(accepted, tenantID: tenant)
        let receivedAt = Date()
        let headers = [
            KafkaHeader(key: TraceParent.headerName, string: context.trace.description),
            KafkaHeader(key: "gm-ingested-at-ms", string: String(Int64(receivedAt.timeIntervalSince1970 * 1000))),
        ]
        var records: [KafkaProducerMessage] = []
        records.reserveCapacity(fresh.count + batch.rejections.count)
        for event in fresh {
            records.append(KafkaProducerMessage(topic: topics.raw, key: event.partitionKeyBytes(), value: event.jsonBytes(), headers: headers))
        }
        for rejection in batch.rejections {
            let record = InvalidEventRecord(
                tenantID: tenant, source: "ingestion", receivedAt: receivedAt, index: rejection.index,
                errors: rejection.errors, payload: .json(rejection.rawJSON))
            records.append(KafkaProducerMessage(topic: topics.invalid, key: Array(tenant.utf8), value: record.jsonBytes(), headers: headers))
        }

        let start = ContinuousClock.now
        let results = records.isEmpty ? [] : await publisher.publish(records)
        IngestionMetrics.deliveryDuration.recordInterval(since: start)
        IngestionMetrics.producerQueueDepth.record(publisher.inFlightCount)

        var delivered: [PlayerEvent] = []
        delivered.reserveCapacity(fresh.count)
        var failure: KafkaError?
        for (index, result) in results.enumerated() {
            switch result {
            case .success where index < fresh.count: delivered.append(fresh[index])
            case .success: break
            case .failure(let error): failure = failure ?? error
            }
        }
        // Even when the request fails, what did reach Kafka is remembered: the client's retry
        // then writes only the rest.
        recent.remember(delivered, tenantID: tenant)
        if let failure {
            context.logger.warning(
                "events not durably written; answering 503",
                metadata: [
                    "tenant": "\(tenant)", "error": "\(failure)", "delivered": "\(delivered.count)", "records": "\(records.count)",
                ])
            throw APIError(
                .serviceUnavailable, code: "kafka_unavailable",
                message: "The events could not be written durably; retry the same request (event ids make retries safe).",
                headers: [.retryAfter: String(unavailableRetryAfterSeconds)])
        }

        let counters = IngestionMetrics.tenant(tenant)
        counters.accepted.increment(by: Int64(fresh.count))
        if duplicates > 0 { counters.duplicates.increment(by: Int64(duplicates)) }
        for rejection in batch.rejections {
            IngestionMetrics.rejectedEvent(tenant: tenant, reason: rejection.errors.first?.reason ?? "invalid").increment()
        }
        return try Self.acceptedResponse(accepted: accepted.count, duplicates: duplicates, rejections: batch.rejections)
    }

    /// `{"accepted":N,"duplicates":D,"rejected":[...]}`; `accepted` counts duplicates too,
    /// since they were durably written by an earlier request.
    private static func acceptedResponse(accepted: Int, duplicates: Int, rejections: [EventRejection]) throws -> Response {
        var buffer = ByteBuffer()
        buffer.writeString(#"{"accepted":\#(accepted),"duplicates":\#(duplicates),"rejected":"#)
        if rejections.isEmpty {
            buffer.writeString("[]")
        } else {
            buffer.writeBytes(try JSONEncoder.api.encode(rejections))
        }
        buffer.writeString("}")
        return Response(status: .accepted, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
    }
}

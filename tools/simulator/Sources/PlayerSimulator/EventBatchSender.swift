import CurlHTTP
import Foundation
import HTTPTypes
import Logging

/// Posts batches to ingestion's `POST /v1/events` and settles every event in the statistics.
///
/// - 2xx: the body's `accepted` and `rejected` counts (a rejection is a simulator bug: logged).
/// - 429 and 503: waits `Retry-After` seconds (or backs off when it is absent) and sends the
///   same body again; the event ids make the retry idempotent, so nothing is dropped or doubled.
/// - No answer, or another 5xx: counted as an error and retried with exponential backoff.
/// - Any other 4xx (400, 401, 413, 415…): a simulator or configuration bug: logged, counted as
///   refused, not retried.
/// Retries stop only at shutdown (see ``ShutdownController``); what is left is counted dropped.
final class EventBatchSender: Sendable {
    static let initialBackoff = 0.25
    static let maxBackoff = 10.0
    static let maxRetryAfter = 60.0

    let client: HTTPClient
    let endpoint: String
    let tenants: [SimulatedTenant]
    let statistics: SimulatorStatistics
    let shutdown: ShutdownController
    let logger: Logger
    let requestTimeout: Duration

    init(
        client: HTTPClient, endpoint: String, tenants: [SimulatedTenant], statistics: SimulatorStatistics,
        shutdown: ShutdownController, logger: Logger, requestTimeout: Duration = .seconds(10)
    ) {
        self.client = client
        self.endpoint = endpoint
        self.tenants = tenants
        self.statistics = statistics
        self.shutdown = shutdown
        self.logger = logger
        self.requestTimeout = requestTimeout
    }

    /// Sends `batch` until ingestion gives a final answer or the run is over.
    func deliver(_ batch: OutgoingBatch) async {
        let tenant = tenants[batch.tenantIndex]
        guard let url = URL(string: endpoint) else {
            statistics.update { $0.refused += batch.eventCount }
            return report("bad endpoint", "the endpoint \(endpoint) is not a URL", tenant, level: .error)
        }
        var request = HTTPRequest(method: .post, url: url, headerFields: [.contentType: "application/json"])
        if let key = tenant.writeKey { request.headerFields[Self.apiKey] = key }

        var attempt = 0
        while true {
            if attempt > 0 && shutdown.shouldAbandon { return drop(batch) }
            let delay: Double
            do {
                statistics.update { $0.requests += 1 }
                let (response, body) = try await client.execute(request, body: batch.body, timeout: requestTimeout)
                let bodyText = String(decoding: body, as: UTF8.self)
                switch response.status.code {
                case 200..<300:
                    settle(batch, status: response.status, body: body, tenant: tenant)
                    return
                case 429:
                    statistics.update { $0.throttled += 1 }
                    delay = retryAfter(response) ?? backoff(attempt)
                    report("throttled", "ingestion answered 429: retrying after \(format(delay)) s", tenant)
                case 503:
                    statistics.update { $0.unavailable += 1 }
                    delay = retryAfter(response) ?? backoff(attempt)
                    report("unavailable", "ingestion answered 503: retrying after \(format(delay)) s", tenant)
                case 400..<500:
                    statistics.update { $0.refused += batch.eventCount }
                    report(
                        "status \(response.status.code)",
                        "ingestion refused a batch of \(batch.eventCount) events with \(response.status.code) (not retried): \(excerpt(bodyText))",
                        tenant, level: .error
                    )
                    return
                default:
                    statistics.update { $0.errors += 1 }
                    delay = backoff(attempt)
                    report("status \(response.status.code)", "ingestion answered \(response.status.code): retrying after \(format(delay)) s: \(excerpt(bodyText))", tenant)
                }
            } catch is CancellationError {
                return drop(batch)
            } catch {
                statistics.update { $0.errors += 1 }
                delay = backoff(attempt)
                report("transport", "POST \(endpoint) failed (\(error)): retrying after \(format(delay)) s", tenant)
            }
            attempt += 1
            guard await pause(seconds: delay) else { return drop(batch) }
        }
    }

    // MARK: Outcomes

    private static let apiKey = HTTPField.Name("X-API-Key")!

    private func settle(_ batch: OutgoingBatch, status: HTTPResponse.Status, body: [UInt8], tenant: SimulatedTenant) {
        guard let answer = try? JSONDecoder().decode(IngestionResponse.self, from: Data(body)) else {
            statistics.update { $0.accepted += batch.eventCount }
            report("unreadable 2xx", "ingestion answered \(status.code) with a body that is not the documented one; counting the batch as accepted: \(excerpt(String(decoding: body, as: UTF8.self)))", tenant)
            return
        }
        let rejected = answer.rejected.count
        statistics.update {
            $0.accepted += answer.accepted
            $0.rejected += rejected
            // An answer that does not add up still settles every event of the batch.
            $0.refused += max(0, batch.eventCount - answer.accepted - rejected)
        }
        if answer.accepted + rejected != batch.eventCount {
            report("count mismatch", "ingestion answered accepted=\(answer.accepted) rejected=\(rejected) for a batch of \(batch.eventCount)", tenant)
        }
        for rejection in answer.rejected {
            let reasons = rejection.errors.map { "\($0.field): \($0.reason)" }.joined(separator: ", ")
            report("rejected \(reasons)", "ingestion rejected an event (\(reasons)): a simulator bug", tenant, level: .error)
        }
    }

    private func drop(_ batch: OutgoingBatch) {
        statistics.update { $0.dropped += batch.eventCount }
    }

    /// Logs a problem on its 1st, 2nd, 4th, 8th… occurrence.
    private func report(_ key: String, _ message: String, _ tenant: SimulatedTenant, level: Logger.Level = .warning) {
        let (log, count) = statistics.shouldLog(key)
        guard log else { return }
        logger.log(level: level, "\(message)", metadata: ["tenant": "\(tenant.label)", "occurrences": "\(count)"])
    }

    // MARK: Waiting

    /// Seconds from a `Retry-After` header given in seconds, clamped to 0.05…60.
    private func retryAfter(_ response: HTTPResponse) -> Double? {
        guard let text = response.headerFields[.retryAfter]?.trimmingCharacters(in: .whitespaces),
            let seconds = Double(text), seconds.isFinite
        else { return nil }
        return min(max(seconds, 0.05), Self.maxRetryAfter)
    }

    private func backoff(_ attempt: Int) -> Double {
        min(Self.initialBackoff * pow(2, Double(min(attempt, 16))), Self.maxBackoff)
    }

    /// Sleeps `seconds` in short slices; false when the run ends meanwhile.
    private func pause(seconds: Double) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            if shutdown.shouldAbandon || Task.isCancelled { return false }
            let slice = min(deadline - ContinuousClock.now, .milliseconds(100))
            do { try await Task.sleep(for: slice) } catch { return false }
        }
        return !shutdown.shouldAbandon
    }

    private func format(_ seconds: Double) -> String {
        String(format: "%.2f", seconds)
    }

    private func excerpt(_ text: String) -> String {
        text.count > 300 ? String(text.prefix(300)) + "…" : text
    }
}

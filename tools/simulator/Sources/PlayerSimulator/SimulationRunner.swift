import CurlHTTP
import Foundation
import Logging

/// A live run: generates the stream, cuts it into batches, holds each batch until its last
/// event is due (so the stream follows the schedule, not a sleep per event), and hands it to
/// one of `concurrency` senders. When every sender is busy the generator waits, so a slow
/// ingestion slows the run (the lag grows and is reported) instead of filling memory.
struct SimulationRunner: Sendable {
    let options: SimulatorOptions
    let traffic: TrafficConfiguration
    let statistics: SimulatorStatistics
    let shutdown: ShutdownController
    let logger: Logger
    /// Writes one line of output (stdout).
    let output: @Sendable (String) -> Void

    func run() async {
        let client = HTTPClient(
            configuration: HTTPClientConfiguration(
                maxConcurrentRequests: options.concurrency, connectTimeout: .seconds(3),
                userAgent: "gamemetrics-player-simulator"
            ))
        let sender = EventBatchSender(
            client: client, endpoint: options.endpoint, tenants: options.tenants,
            statistics: statistics, shutdown: shutdown, logger: logger
        )
        let start = ContinuousClock.now
        let elapsed: @Sendable () -> Double = { Self.seconds(ContinuousClock.now - start) }

        let statistics = statistics
        let reportEvery = options.reportEvery
        let profile = traffic.profile
        let baseRate = traffic.baseRate
        let output = output
        // Progress lines come from a child task beside the run, cancelled when the run ends.
        await withTaskGroup(of: Void.self) { reporting in
            reporting.addTask {
                var progress = ProgressReporter(targetRate: baseRate, profile: profile)
                while !Task.isCancelled {
                    do { try await Task.sleep(for: .milliseconds(Int64(reportEvery * 1000))) } catch { return }
                    let snapshot = statistics.snapshot
                    let now = elapsed()
                    output(progress.progressLine(snapshot, elapsed: now, lag: now - snapshot.dispatchedUntil))
                }
            }
            await send(sender: sender, start: start)
            reporting.cancelAll()
        }
    }

    /// Generates the stream and hands its batches to the senders until the run ends.
    private func send(sender: EventBatchSender, start: ContinuousClock.Instant) async {
        let statistics = statistics
        await withTaskGroup(of: Void.self) { group in
            var generator = TrafficGenerator(traffic)
            var assembler = BatchAssembler(
                tenantCount: traffic.tenantCount, maxEvents: options.batchSize,
                linger: Double(options.lingerMilliseconds) / 1000
            )
            var inFlight = 0

            /// Waits until `batch` is due and a sender is free, then starts sending it;
            /// false when the run was cancelled meanwhile (the batch is then dropped).
            func dispatch(_ batch: OutgoingBatch) async -> Bool {
                let due = start + .microseconds(Int64(batch.dueOffset * 1_000_000))
                if due > .now {
                    try? await Task.sleep(until: due, clock: .continuous)
                }
                statistics.update { $0.generated = generator.generatedCount }
                if inFlight >= options.concurrency {
                    await group.next()
                    inFlight -= 1
                }
                guard !Task.isCancelled else {
                    statistics.update { $0.dropped += batch.eventCount }
                    return false
                }
                statistics.update { $0.dispatchedUntil = batch.dueOffset }
                group.addTask { await sender.deliver(batch) }
                inFlight += 1
                await Task.yield()
                return true
            }

            /// Dispatches `batches` in order; false (with the rest counted dropped) when cancelled.
            func dispatchAll(_ batches: [OutgoingBatch]) async -> Bool {
                for (i, batch) in batches.enumerated() {
                    if await dispatch(batch) { continue }
                    let lost = batches[(i + 1)...].reduce(0) { $0 + $1.eventCount }
                    statistics.update { $0.dropped += lost }
                    return false
                }
                return true
            }

            var cancelled = false
            while !shutdown.isStopping && !Task.isCancelled {
                if options.duration > 0 && generator.nextOffset >= options.duration { break }
                let (event, offset) = generator.next()
                let ready = assembler.add(event, offset: offset)
                if !ready.isEmpty, !(await dispatchAll(ready)) {
                    cancelled = true
                    break
                }
            }
            // What is still being assembled goes out too, unless the stop is immediate.
            statistics.update { $0.generated = generator.generatedCount }
            let rest = assembler.flush()
            if cancelled || Task.isCancelled {
                statistics.update { $0.dropped += rest.reduce(0) { $0 + $1.eventCount } }
            } else {
                _ = await dispatchAll(rest)
            }
            // Graceful end: senders get `drainTimeout` more to finish their retries.
            shutdown.requestStop()
            await group.waitForAll()
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

import Dispatch
import Foundation
import GameMetricsKit
import Logging

/// `player-simulator`: plays the players of the demo tenants into ingestion (see the README
/// next to `Sources/`). Exit status: 0 when every event was accepted; 1 when ingestion
/// rejected or refused events (a simulator bug) or events were dropped at the end (ingestion
/// unreachable or throttling past the drain time); 2 for unusable flags.
@main
struct PlayerSimulatorCommand {
    static func main() async {
        let environment = ProcessInfo.processInfo.environment
        let options: SimulatorOptions
        do {
            options = try SimulatorOptions.parse(arguments: Array(CommandLine.arguments.dropFirst()), environment: environment)
        } catch {
            writeError("player-simulator: \(error)\nRun player-simulator --help for the flags.\n")
            exit(2)
        }
        if options.showHelp {
            writeOutput(SimulatorOptions.usage + "\n")
            return
        }

        let seed = options.seed ?? UInt64.random(in: 0..<1_000_000_000_000)
        let startDate = options.startTime ?? Date()
        let startMicros = Int64((startDate.timeIntervalSince1970 * 1_000_000).rounded())
        let traffic = options.traffic(seed: seed, startMicros: startMicros)

        if options.printCatalogue || options.printTaste {
            let write: ([UInt8]) -> Void = { try? FileHandle.standardOutput.write(contentsOf: $0) }
            if options.printCatalogue {
                CatalogueWriter.writeCatalogues(traffic: traffic, tenants: options.tenants, to: write)
            } else {
                CatalogueWriter.writeTastes(traffic: traffic, tenants: options.tenants, to: write)
            }
            var line = JSONLine()
            line.add("event", options.printCatalogue ? "catalogue" : "taste")
            line.add("seed", seed)
            line.add("tenants", options.tenants.map(\.label))
            line.add("games_per_tenant", options.gamesPerTenant)
            line.add("taste_clusters", options.tasteClusters)
            writeError(line.text + "\n")
            return
        }

        if options.dryRun {
            let perTenant = DryRunWriter.write(count: options.count, traffic: traffic) { chunk in
                try? FileHandle.standardOutput.write(contentsOf: chunk)
            }
            var line = JSONLine()
            line.add("event", "dry_run")
            line.add("seed", seed)
            line.add("start_time", RFC3339.format(startDate))
            line.add("events", options.count)
            line.add("tenants", options.tenants.map(\.label))
            line.add("events_per_tenant", perTenant)
            writeError(line.text + "\n")
            return
        }

        let level = environment["GM_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        LoggingSystem.bootstrap { _ in
            JSONLogHandler(service: "player-simulator", level: level, output: JSONLineWriter(handle: .standardError))
        }
        let logger = Logger(label: "player-simulator")
        let statistics = SimulatorStatistics()
        let shutdown = ShutdownController(drainTimeout: .milliseconds(Int64(options.drainSeconds * 1000)))

        var start = JSONLine()
        start.add("event", "start")
        start.add("seed", seed)
        start.add("start_time", RFC3339.format(startDate))
        start.add("rate", options.rate)
        start.add("profile", options.profile.rawValue)
        start.add("duration_s", options.duration)
        start.add("tenants", options.tenants.map(\.label))
        start.add("players_per_tenant", options.playersPerTenant)
        start.add("batch_size", options.batchSize)
        start.add("concurrency", options.concurrency)
        start.add("endpoint", options.endpoint)
        writeOutput(start.text + "\n")

        let runner = SimulationRunner(
            options: options, traffic: traffic, statistics: statistics, shutdown: shutdown, logger: logger,
            output: { writeOutput($0 + "\n") }
        )
        let began = ContinuousClock.now
        let sources = installSignalHandlers(shutdown: shutdown, logger: logger)
        // The run and the wait for a second signal race: the first to end cancels the other.
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await runner.run() }
            group.addTask { await shutdown.hardStopRequested() }
            await group.next()
            group.cancelAll()
        }
        sources.forEach { $0.cancel() }

        let final = statistics.snapshot
        let reporter = ProgressReporter(targetRate: Double(options.rate), profile: traffic.profile)
        writeOutput(reporter.summaryLine(final, elapsed: SimulationRunner.seconds(ContinuousClock.now - began), seed: seed) + "\n")
        if final.rejected + final.refused > 0 {
            logger.error(
                "ingestion rejected or refused events: see the errors above",
                metadata: [
                    "rejected": "\(final.rejected)", "refused": "\(final.refused)",
                ])
            exit(1)
        }
        if final.dropped > 0 {
            logger.warning("events were never accepted: dropped at the end", metadata: ["dropped": "\(final.dropped)"])
            exit(1)
        }
    }

    /// SIGINT and SIGTERM go to `shutdown` (through dispatch sources, so the handler may do
    /// anything). Nonisolated: the handler runs on its own queue, not the main actor.
    nonisolated static func installSignalHandlers(shutdown: ShutdownController, logger: Logger) -> [any DispatchSourceSignal] {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let queue = DispatchQueue(label: "player-simulator.signals")
        return [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { @Sendable in
                if shutdown.isStopping {
                    logger.notice("second signal: stopping now, unsent events count as dropped")
                } else {
                    logger.notice("signal received: finishing the batches in flight (a second signal stops at once)")
                }
                shutdown.signalReceived()
            }
            source.resume()
            return source
        }
    }

    static func writeOutput(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    }

    static func writeError(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
    }
}

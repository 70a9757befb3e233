import Foundation
import GameMetricsKit

/// The simulator's settings, from command-line flags and environment variables. Every flag
/// `--some-flag` can also be given as `GM_SIM_SOME_FLAG`; the flag wins. The ingestion URL
/// and the tenants come from the platform's own variables (`.gm/demo.env`): `GM_INGESTION_URL`,
/// `GM_WRITE_KEY` and `GM_TENANT`, `GM_WRITE_KEY_B` and `GM_TENANT_B`. Write keys are read
/// from the environment only, never from flags, so they do not show in `ps`.
struct SimulatorOptions: Sendable, Equatable {
    enum Profile: String, Sendable, CaseIterable {
        case steady, diurnal, bursty
    }

    var rate = 100
    /// Seconds; 0 runs until SIGINT/SIGTERM.
    var duration = 0.0
    /// nil: a random seed, printed at the start so the run can be repeated.
    var seed: UInt64?
    var playersPerTenant = 1000
    var gamesPerTenant = 300
    var tasteClusters = 8
    var batchSize = 100
    var lingerMilliseconds = 500
    var concurrency = 4
    var profile = Profile.steady
    var daySeconds = 600.0
    var amplitude = 0.6
    var burstFactor = 5.0
    var returnToPlayer = 0.96
    var url = "http://127.0.0.1:\(PlatformService.ingestion.port)"
    /// The virtual clock's zero; nil: the moment the run starts.
    var startTime: Date?
    var reportEvery = 5.0
    var drainSeconds = 10.0
    var dryRun = false
    /// Events `--dry-run` prints.
    var count = 20
    /// Print each tenant's game catalogue (one JSON object per tenant) instead of events.
    var printCatalogue = false
    /// Print each player's taste cluster (one JSON object per player) instead of events.
    var printTaste = false
    var tenants: [SimulatedTenant] = []
    var showHelp = false

    /// `POST` target: the URL with `/v1/events` appended unless it already ends so.
    var endpoint: String {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        return base.hasSuffix("/v1/events") ? base : base + "/v1/events"
    }

    /// The generated stream's settings for this run.
    func traffic(seed: UInt64, startMicros: Int64) -> TrafficConfiguration {
        TrafficConfiguration(
            seed: seed, tenantCount: tenants.count, playersPerTenant: playersPerTenant, gamesPerTenant: gamesPerTenant,
            tasteClusters: tasteClusters,
            returnToPlayer: returnToPlayer, baseRate: Double(rate), profile: rateProfile(seed: seed),
            startMicros: startMicros
        )
    }

    func rateProfile(seed: UInt64) -> RateProfile {
        switch profile {
        case .steady: .steady
        case .diurnal: .diurnal(daySeconds: daySeconds, amplitude: amplitude)
        case .bursty: .bursty(factor: burstFactor, seed: seed)
        }
    }

    // MARK: Parsing

    /// Flags that take a value, in the order `--help` lists them.
    static let valueFlags = [
        "rate", "duration", "seed", "players-per-tenant", "games-per-tenant", "taste-clusters", "batch-size", "linger-ms", "concurrency",
        "profile", "day-seconds", "amplitude", "burst-factor", "rtp", "url", "start-time",
        "report-every", "drain-seconds", "count",
    ]

    /// Flags that are on or off (`--dry-run`, `--dry-run=false`, `GM_SIM_DRY_RUN=1`).
    static let switchFlags = ["dry-run", "print-catalogue", "print-taste"]

    static func parse(arguments: [String], environment: [String: String]) throws(SimulatorOptionsError) -> SimulatorOptions {
        // Raw values by flag name, with where each came from (for error messages).
        var raw: [String: (value: String, source: String)] = [:]
        for flag in valueFlags + switchFlags {
            let variable = "GM_SIM_" + flag.uppercased().replacingOccurrences(of: "-", with: "_")
            if let value = environment[variable]?.trimmingCharacters(in: .whitespaces), !value.isEmpty {
                raw[flag] = (value, variable)
            }
        }
        if raw["url"] == nil, let value = environment["GM_INGESTION_URL"]?.trimmingCharacters(in: .whitespaces), !value.isEmpty {
            raw["url"] = (value, "GM_INGESTION_URL")
        }

        var options = SimulatorOptions()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else {
                throw SimulatorOptionsError("unexpected argument '\(argument)'")
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            switch name {
            case "help":
                options.showHelp = true
            case _ where switchFlags.contains(name):
                raw[name] = (inlineValue ?? "true", "--\(name)")
            case _ where valueFlags.contains(name):
                if let inlineValue {
                    raw[name] = (inlineValue, "--\(name)")
                } else {
                    guard index < arguments.count else { throw SimulatorOptionsError("--\(name) needs a value") }
                    raw[name] = (arguments[index], "--\(name)")
                    index += 1
                }
            default:
                throw SimulatorOptionsError("unknown flag --\(name)")
            }
        }

        func int(_ flag: String, _ range: ClosedRange<Int>) throws(SimulatorOptionsError) -> Int? {
            guard let (value, source) = raw[flag] else { return nil }
            guard let number = Int(value.replacingOccurrences(of: "_", with: "")) else {
                throw SimulatorOptionsError("\(source) must be an integer, got '\(value)'")
            }
            guard range.contains(number) else {
                throw SimulatorOptionsError("\(source) must be within \(range.lowerBound)...\(range.upperBound), got \(number)")
            }
            return number
        }
        func double(_ flag: String, _ range: ClosedRange<Double>) throws(SimulatorOptionsError) -> Double? {
            guard let (value, source) = raw[flag] else { return nil }
            guard let number = Double(value), number.isFinite else {
                throw SimulatorOptionsError("\(source) must be a number, got '\(value)'")
            }
            guard range.contains(number) else {
                throw SimulatorOptionsError("\(source) must be within \(range.lowerBound)...\(range.upperBound), got \(value)")
            }
            return number
        }

        if let v = try int("rate", 10...200_000) { options.rate = v }
        if let v = try double("duration", 0...31_536_000) { options.duration = v }
        if let (value, source) = raw["seed"] {
            let seed = value.lowercased().hasPrefix("0x") ? UInt64(value.dropFirst(2), radix: 16) : UInt64(value)
            guard let seed else { throw SimulatorOptionsError("\(source) must be an unsigned 64-bit integer (decimal or 0x hex), got '\(value)'") }
            options.seed = seed
        }
        // 272 bytes of state per player: 250k per tenant is 136 MB for two tenants, and as many
        // as 200k events/s keep online (0.4 events/s each).
        if let v = try int("players-per-tenant", 1...250_000) { options.playersPerTenant = v }
        // 20 000 games is a big casino's whole lobby; the alias tables cost 16 bytes a game per cluster.
        if let v = try int("games-per-tenant", 1...20_000) { options.gamesPerTenant = v }
        if let v = try int("taste-clusters", 1...64) { options.tasteClusters = v }
        if let v = try int("batch-size", 1...EventBatchParser.defaultMaxEvents) { options.batchSize = v }
        if let v = try int("linger-ms", 1...60_000) { options.lingerMilliseconds = v }
        if let v = try int("concurrency", 1...256) { options.concurrency = v }
        if let (value, source) = raw["profile"] {
            guard let profile = Profile(rawValue: value.lowercased()) else {
                throw SimulatorOptionsError("\(source) must be steady, diurnal or bursty, got '\(value)'")
            }
            options.profile = profile
        }
        if let v = try double("day-seconds", 10...86_400) { options.daySeconds = v }
        if let v = try double("amplitude", 0...0.95) { options.amplitude = v }
        if let v = try double("burst-factor", 1...50) { options.burstFactor = v }
        if let v = try double("rtp", 0.5...1.0) { options.returnToPlayer = v }
        if let (value, source) = raw["url"] {
            guard let parsed = URL(string: value), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme), parsed.host != nil else {
                throw SimulatorOptionsError("\(source) must be an http(s) URL, got '\(value)'")
            }
            options.url = value
        }
        if let (value, source) = raw["start-time"] {
            guard let date = RFC3339.parse(value) else {
                throw SimulatorOptionsError("\(source) must be an RFC 3339 date-time such as 2026-11-22T10:00:00Z, got '\(value)'")
            }
            options.startTime = date
        }
        if let v = try double("report-every", 0.5...3600) { options.reportEvery = v }
        if let v = try double("drain-seconds", 0...600) { options.drainSeconds = v }
        if let v = try int("count", 1...100_000_000) { options.count = v }
        func flag(_ name: String) throws(SimulatorOptionsError) -> Bool? {
            guard let (value, source) = raw[name] else { return nil }
            switch value.lowercased() {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw SimulatorOptionsError("\(source) must be true or false, got '\(value)'")
            }
        }
        if let v = try flag("dry-run") { options.dryRun = v }
        if let v = try flag("print-catalogue") { options.printCatalogue = v }
        if let v = try flag("print-taste") { options.printTaste = v }
        if [options.dryRun, options.printCatalogue, options.printTaste].filter({ $0 }).count > 1 {
            throw SimulatorOptionsError("--dry-run, --print-catalogue and --print-taste each print something else: give one of them")
        }

        if !options.showHelp {
            options.tenants = try tenants(environment: environment, dryRun: options.dryRun || options.printCatalogue || options.printTaste)
        }
        return options
    }

    /// One tenant per write key (`GM_WRITE_KEY`, `GM_WRITE_KEY_B`). A dry run (or a print of the
    /// catalogue or tastes) needs no key and plays for two tenants unless keys say otherwise, so
    /// that it prints what a run with the demo's two keys would send.
    private static func tenants(environment: [String: String], dryRun: Bool) throws(SimulatorOptionsError) -> [SimulatedTenant] {
        func value(_ name: String) -> String? {
            guard let v = environment[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        let slots = [("GM_WRITE_KEY", "GM_TENANT", "tenant-a"), ("GM_WRITE_KEY_B", "GM_TENANT_B", "tenant-b")]
        let keyed = slots.compactMap { key, label, fallback in
            value(key).map { SimulatedTenant(label: value(label) ?? fallback, writeKey: $0) }
        }
        if !keyed.isEmpty { return keyed }
        guard dryRun else {
            throw SimulatorOptionsError(
                "no write key: set GM_WRITE_KEY (and GM_WRITE_KEY_B for the second tenant), e.g. `set -a; . .gm/demo.env; set +a`"
            )
        }
        return slots.map { _, label, fallback in SimulatedTenant(label: value(label) ?? fallback, writeKey: nil) }
    }

    static let usage = """
        player-simulator: plays realistic player traffic into ingestion's POST /v1/events.

        Usage: player-simulator [flags]        (keys from the environment: set -a; . .gm/demo.env; set +a)

          --rate N                base events per second, 10...200000 (default 100)
          --duration S            seconds to run; 0 runs until SIGINT/SIGTERM (default 0)
          --seed N                seed of the event stream (default: random, printed at the start)
          --players-per-tenant N  simulated players per tenant, 1...250000 (default 1000)
          --games-per-tenant N    games in each tenant's generated catalogue, 1...20000 (default 300)
          --taste-clusters K      taste clusters of each tenant's players, 1...64 (default 8)
          --profile P             steady | diurnal | bursty (default steady)
          --day-seconds S         diurnal: length of the compressed day (default 600)
          --amplitude A           diurnal: swing around the base rate, 0...0.95 (default 0.6: peak/trough 4)
          --burst-factor X        bursty: rate multiplier during a burst (default 5)
          --rtp R                 return to player of every game, 0.5...1.0 (default 0.96: a 4 % house edge)
          --batch-size N          events per request, 1...500 (default 100)
          --linger-ms N           longest a batch waits to fill, in schedule time (default 500)
          --concurrency N         requests in flight at once (default 4)
          --url URL               ingestion base URL (default $GM_INGESTION_URL or http://127.0.0.1:\(PlatformService.ingestion.port))
          --start-time T          RFC 3339 zero of the virtual clock (default: now)
          --report-every S        seconds between progress lines (default 5)
          --drain-seconds S       at the end, how long to keep retrying unanswered batches (default 10)
          --dry-run               print events as JSON lines instead of sending them
          --count N               events --dry-run prints (default 20)
          --print-catalogue       print each tenant's game catalogue as one JSON line, then exit
          --print-taste           print each player's taste cluster as JSON lines, then exit
          --help                  this text

        Every flag can be set as GM_SIM_<FLAG> (e.g. GM_SIM_RATE=500). Tenants: GM_WRITE_KEY with
        GM_TENANT, and GM_WRITE_KEY_B with GM_TENANT_B. Output: one JSON line per report on stdout,
        problems as JSON log lines on stderr (GM_LOG_LEVEL). SIGINT/SIGTERM stops gracefully, a
        second one at once.
        """
}

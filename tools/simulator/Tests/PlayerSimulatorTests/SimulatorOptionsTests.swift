import GameMetricsKit
import Testing
@testable import PlayerSimulator

@Suite("Flags and environment")
struct SimulatorOptionsTests {
    static let keys = ["GM_WRITE_KEY": "key-a", "GM_TENANT": "demo-casino", "GM_WRITE_KEY_B": "key-b", "GM_TENANT_B": "demo-sportsbook"]

    @Test("The demo environment alone gives two tenants, the local URL and the defaults")
    func defaultsFromDemoEnvironment() throws {
        let options = try SimulatorOptions.parse(arguments: [], environment: Self.keys)
        #expect(
            options.tenants == [
                SimulatedTenant(label: "demo-casino", writeKey: "key-a"), SimulatedTenant(label: "demo-sportsbook", writeKey: "key-b"),
            ])
        #expect(options.endpoint == "http://127.0.0.1:\(PlatformService.ingestion.port)/v1/events")
        #expect(options.rate == 100 && options.batchSize == 100 && options.profile == .steady && options.seed == nil)
    }

    @Test("Flags win over GM_SIM_ variables, which win over the defaults")
    func precedence() throws {
        let environment = Self.keys.merging(["GM_SIM_RATE": "500", "GM_SIM_PROFILE": "bursty", "GM_INGESTION_URL": "http://ingest:9000/"]) { $1 }
        let options = try SimulatorOptions.parse(arguments: ["--rate", "2000", "--seed=0x10", "--duration", "60"], environment: environment)
        #expect(options.rate == 2000)
        #expect(options.profile == .bursty)
        #expect(options.seed == 16)
        #expect(options.duration == 60)
        #expect(options.endpoint == "http://ingest:9000/v1/events")
        #expect(options.rateProfile(seed: 16) == .bursty(factor: 5, seed: 16))
    }

    @Test("Rates outside 10…200000, batch sizes over 500 and unknown flags are refused with the flag's name")
    func invalidValues() {
        #expect(throws: SimulatorOptionsError("--rate must be within 10...200000, got 5")) {
            try SimulatorOptions.parse(arguments: ["--rate", "5"], environment: Self.keys)
        }
        #expect(throws: SimulatorOptionsError("GM_SIM_RATE must be within 10...200000, got 300000")) {
            try SimulatorOptions.parse(arguments: [], environment: Self.keys.merging(["GM_SIM_RATE": "300000"]) { $1 })
        }
        #expect(throws: SimulatorOptionsError.self) { try SimulatorOptions.parse(arguments: ["--batch-size", "501"], environment: Self.keys) }
        #expect(throws: SimulatorOptionsError.self) { try SimulatorOptions.parse(arguments: ["--profile", "wavy"], environment: Self.keys) }
        #expect(throws: SimulatorOptionsError("unknown flag --write-key")) {
            try SimulatorOptions.parse(arguments: ["--write-key", "secret"], environment: Self.keys)
        }
    }

    @Test("Sending needs a write key; a dry run and --help do not, and a dry run plays two tenants")
    func keys() throws {
        #expect(throws: SimulatorOptionsError.self) { try SimulatorOptions.parse(arguments: [], environment: [:]) }
        let dry = try SimulatorOptions.parse(arguments: ["--dry-run", "--count", "5"], environment: [:])
        #expect(dry.dryRun && dry.count == 5)
        #expect(dry.tenants.map(\.label) == ["tenant-a", "tenant-b"])
        #expect(try SimulatorOptions.parse(arguments: ["--help"], environment: [:]).showHelp)
        let one = try SimulatorOptions.parse(arguments: [], environment: ["GM_WRITE_KEY": "k"])
        #expect(one.tenants == [SimulatedTenant(label: "tenant-a", writeKey: "k")])
    }

    @Test("The diurnal flags shape the profile")
    func diurnalFlags() throws {
        let options = try SimulatorOptions.parse(arguments: ["--profile", "diurnal", "--day-seconds", "120", "--amplitude", "0.5"], environment: Self.keys)
        #expect(options.rateProfile(seed: 1) == .diurnal(daySeconds: 120, amplitude: 0.5))
    }
}

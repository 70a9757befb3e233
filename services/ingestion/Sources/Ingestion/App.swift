import GameMetricsKit

@main
struct IngestionApp {
    static func main() async {
        await ServiceMain.run { try buildApplication(environment: EnvironmentReader()) }
    }
}

import GameMetricsKit

@main
struct ProcessorApp {
    static func main() async {
        await ServiceMain.run { try buildApplication(environment: EnvironmentReader()) }
    }
}

import GameMetricsHTTP
import GameMetricsKit

@main
struct AnalyticsAPIApp {
    static func main() async {
        await ServiceMain.run { try buildApplication(environment: EnvironmentReader()) }
    }
}

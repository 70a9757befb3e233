import GameMetricsHTTP
import GameMetricsKit

@main
struct RecommendationApp {
    static func main() async {
        await ServiceMain.run { try buildApplication(environment: EnvironmentReader()) }
    }
}

import GameMetricsHTTP
import GameMetricsKit

@main
struct RetentionApp {
    static func main() async {
        await ServiceMain.run { try buildApplication(environment: EnvironmentReader()) }
    }
}

import GameMetricsHTTP
import GameMetricsKit

@main
struct AdminApp {
    static func main() async {
        await ServiceMain.run { try buildApplication(environment: EnvironmentReader()) }
    }
}

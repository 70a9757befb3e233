import GameMetricsHTTP
import GameMetricsKit

@main
struct NotificationServiceApp {
    static func main() async {
        await ServiceMain.run { try buildApplication(environment: EnvironmentReader()) }
    }
}

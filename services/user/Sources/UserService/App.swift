import GameMetricsKit

@main
struct UserServiceApp {
    static func main() async {
        await ServiceMain.run { try buildApplication(environment: EnvironmentReader()) }
    }
}

/// The analytics-api operations the console runs, by their persisted-query hash: production
/// runs analytics-api with only its listed operations (`GM_ANALYTICS_PERSISTED_ONLY`), and the
/// console sends the hash alone. The texts are analytics-api's `queries/*.graphql`; a test checks
/// every hash here against its `persisted-queries.json`.
enum DashboardOperation: String, CaseIterable, Sendable {
    case overview = "5b137282dffd05cc5245499d5222bedb0603f81a35ca159750334c1553494eea"
    case topGames = "907c22b73aa8a4b03ec738095759907db5fdfe24ea6caed91a064e755b4ada1f"
    case metricSeries = "b2f4b54a8bc1bbbe004848be11d29fbbf3573fb634ae28065535f82c56f03539"
    case pipelineHealth = "36af0f5857673ca40265ad7a4ff7030366ec97c860c5271b3c8bd461bf79dada"
    case playerActivity = "7c594afe2bbc5782fcfe93fd3c70a9c35f033ade2a0873dd39334c3040f44548"
    case liveMetrics = "0d9d1dfb59ec3cf50cc829048a1e7bb14aa2c3dc1327ed8e4a63a783a864ddb1"

    var sha256: String { rawValue }
}

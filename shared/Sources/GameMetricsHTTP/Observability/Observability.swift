import GameMetricsKit
import Logging
import Metrics
import Prometheus
import Synchronization

/// Process-wide logging and metrics set-up. Both backends can be bootstrapped once per process,
/// so repeated calls (tests build many applications) return the first registry.
public enum Observability {
    private static let state = Mutex<PrometheusCollectorRegistry?>(nil)

    /// Installs JSON-lines logging and the Prometheus metrics backend; returns the registry `/metrics` reads.
    @discardableResult
    public static func bootstrap(service: String, logLevel: Logger.Level) -> PrometheusCollectorRegistry {
        state.withLock { registry in
            if let registry { return registry }
            let created = PrometheusCollectorRegistry()
            LoggingSystem.bootstrap { _ in JSONLogHandler(service: service, level: logLevel) }
            var factory = PrometheusMetricsFactory(registry: created)
            factory.defaultDurationHistogramBuckets = [
                .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                .seconds(1), .seconds(2), .seconds(5),
            ]
            MetricsSystem.bootstrap(factory)
            registry = created
            return created
        }
    }

    public static func logger(service: String, level: Logger.Level) -> Logger {
        var logger = Logger(label: service)
        logger.logLevel = level
        return logger
    }
}

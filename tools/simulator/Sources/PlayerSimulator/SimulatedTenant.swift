/// One tenant the simulator plays for: a label for output (the tenant id when known) and the
/// write key ingestion identifies it by. The key never appears in output or logs.
struct SimulatedTenant: Sendable, Equatable {
    var label: String
    var writeKey: String?

    /// The currencies this tenant's players use, with their shares: the first tenant is a
    /// European casino, the second an American one, so the two look different on dashboards.
    static func currencies(tenantIndex: Int) -> [(code: String, share: Double)] {
        tenantIndex % 2 == 0
            ? [("EUR", 0.80), ("GBP", 0.12), ("SEK", 0.08)]
            : [("USD", 0.75), ("CAD", 0.15), ("BRL", 0.10)]
    }
}

import Testing
@testable import PlayerSimulator

@Suite("Tenants")
struct TenantTrafficTests {
    @Test("Both tenants get about half of the traffic, each from many players")
    func bothTenantsGetTraffic() {
        let events = TestTraffic.events(20_000, TestTraffic.configuration(playersPerTenant: 1000))
        let first = events.filter { $0.tenantIndex == 0 }
        let second = events.filter { $0.tenantIndex == 1 }
        #expect(first.count + second.count == events.count)
        #expect(abs(first.count - second.count) < 600)
        #expect(Set(first.map(\.playerID)).count > 200)
        #expect(Set(second.map(\.playerID)).count > 200)
    }

    @Test("Each tenant's players pay in that tenant's currencies")
    func currenciesPerTenant() {
        let events = TestTraffic.events(20_000)
        for tenant in 0..<2 {
            let allowed = Set(SimulatedTenant.currencies(tenantIndex: tenant).map(\.code))
            let used = Set(events.filter { $0.tenantIndex == tenant }.compactMap { $0.amount?.currency })
            #expect(!used.isEmpty && used.isSubset(of: allowed), "tenant \(tenant) used \(used)")
        }
    }

    @Test("A single tenant gets all the traffic")
    func singleTenant() {
        let events = TestTraffic.events(2000, TestTraffic.configuration(tenants: 1))
        #expect(events.allSatisfy { $0.tenantIndex == 0 })
    }

    @Test("A batch only ever holds events of one tenant")
    func batchesArePerTenant() {
        let events = TestTraffic.events(5000)
        var assembler = BatchAssembler(tenantCount: 2, maxEvents: 50, linger: 1)
        var batches: [OutgoingBatch] = []
        for (i, event) in events.enumerated() { batches += assembler.add(event, offset: Double(i) / 200) }
        batches += assembler.flush()
        #expect(Set(batches.map(\.tenantIndex)) == [0, 1])
        let byTenant = Dictionary(grouping: events, by: \.tenantIndex).mapValues(\.count)
        for tenant in 0..<2 {
            #expect(batches.filter { $0.tenantIndex == tenant }.reduce(0) { $0 + $1.eventCount } == byTenant[tenant])
        }
    }
}

import Foundation
import Testing
@testable import PlayerSimulator

@Suite("Batches")
struct BatchAssemblerTests {
    @Test("A batch closes at the batch size, and is due when its last event is")
    func closesAtBatchSize() {
        let events = TestTraffic.events(1000, TestTraffic.configuration(tenants: 1))
        var assembler = BatchAssembler(tenantCount: 1, maxEvents: 100, linger: 1000)
        var batches: [OutgoingBatch] = []
        for (i, event) in events.enumerated() { batches += assembler.add(event, offset: Double(i)) }
        #expect(batches.count == 10)
        #expect(batches.allSatisfy { $0.eventCount == 100 })
        #expect(batches.map(\.dueOffset) == stride(from: 99.0, to: 1000, by: 100).map { $0 })
        #expect(assembler.flush().isEmpty)
    }

    @Test("At a low rate a batch closes after the linger time instead of waiting to fill")
    func closesAfterLinger() {
        let events = TestTraffic.events(100, TestTraffic.configuration(tenants: 1, rate: 10))
        var assembler = BatchAssembler(tenantCount: 1, maxEvents: 100, linger: 0.5)
        var batches: [OutgoingBatch] = []
        // 10 events per second: a batch collects 0.5 s worth, i.e. 5 events, then closes.
        for (i, event) in events.enumerated() { batches += assembler.add(event, offset: Double(i) / 10) }
        #expect(batches.count >= 19)
        #expect(batches.allSatisfy { $0.eventCount == 5 })
    }

    @Test("A body never passes 1 MiB, however large the batch size")
    func bodiesStayUnderTheLimit() throws {
        let events = TestTraffic.events(6000, TestTraffic.configuration(tenants: 1))
        var assembler = BatchAssembler(tenantCount: 1, maxEvents: 500, linger: 1000, maxBodyBytes: 20_000)
        var batches: [OutgoingBatch] = []
        for (i, event) in events.enumerated() { batches += assembler.add(event, offset: Double(i)) }
        batches += assembler.flush()
        #expect(batches.allSatisfy { $0.body.count <= 20_000 })
        #expect(batches.reduce(0) { $0 + $1.eventCount } == 6000)
        for batch in batches {
            let object = try JSONSerialization.jsonObject(with: Data(batch.body)) as? [String: Any]
            #expect((object?["events"] as? [Any])?.count == batch.eventCount)
        }
        #expect(BatchAssembler.defaultMaxBodyBytes < 1 << 20)
    }
}

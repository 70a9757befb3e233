/// Groups the event stream into per-tenant `{"events":[...]}` bodies. A tenant's batch is
/// closed when it holds `maxEvents` events, when the next event would take it past
/// `maxBodyBytes`, or when its first event has waited `linger` seconds of schedule time (so
/// low rates still send promptly).
struct BatchAssembler: Sendable {
    /// Below ingestion's limit of 1 MiB per body, with room to spare.
    static let defaultMaxBodyBytes = 1_000_000
    private static let opening = Array(#"{"events":["#.utf8)
    private static let closing = Array("]}".utf8)

    let maxEvents: Int
    let maxBodyBytes: Int
    let linger: Double

    private struct Pending {
        var body: [UInt8] = []
        var count = 0
        var firstOffset = 0.0
        var lastOffset = 0.0
    }

    private var pending: [Pending]
    private var encoder = EventJSONEncoder()
    private var scratch: [UInt8] = []

    init(tenantCount: Int, maxEvents: Int, linger: Double, maxBodyBytes: Int = BatchAssembler.defaultMaxBodyBytes) {
        precondition(maxEvents >= 1 && maxBodyBytes > 64)
        self.maxEvents = maxEvents
        self.maxBodyBytes = maxBodyBytes
        self.linger = linger
        pending = Array(repeating: Pending(), count: tenantCount)
        scratch.reserveCapacity(512)
    }

    /// Adds `event`, due at `offset`; returns the batches this closes (often none).
    mutating func add(_ event: SimulatedEvent, offset: Double) -> [OutgoingBatch] {
        var ready: [OutgoingBatch] = []
        for tenant in pending.indices where pending[tenant].count > 0 && offset - pending[tenant].firstOffset >= linger {
            ready.append(close(tenant))
        }
        scratch.removeAll(keepingCapacity: true)
        encoder.append(event, to: &scratch)
        let tenant = event.tenantIndex
        if pending[tenant].count > 0 && pending[tenant].body.count + 1 + scratch.count + Self.closing.count > maxBodyBytes {
            ready.append(close(tenant))
        }
        if pending[tenant].count == 0 {
            pending[tenant].body.reserveCapacity(min(maxBodyBytes, 64 + maxEvents * (scratch.count + 64)))
            pending[tenant].body.append(contentsOf: Self.opening)
            pending[tenant].firstOffset = offset
        } else {
            pending[tenant].body.append(UInt8(ascii: ","))
        }
        pending[tenant].body.append(contentsOf: scratch)
        pending[tenant].count += 1
        pending[tenant].lastOffset = offset
        if pending[tenant].count >= maxEvents {
            ready.append(close(tenant))
        }
        return ready
    }

    /// Closes every non-empty batch (at the end of a run).
    mutating func flush() -> [OutgoingBatch] {
        pending.indices.filter { pending[$0].count > 0 }.map { close($0) }
    }

    /// Events added but not yet in a closed batch.
    var pendingEventCount: Int { pending.reduce(0) { $0 + $1.count } }

    private mutating func close(_ tenant: Int) -> OutgoingBatch {
        var batch = pending[tenant]
        pending[tenant] = Pending()
        batch.body.append(contentsOf: Self.closing)
        return OutgoingBatch(tenantIndex: tenant, body: batch.body, eventCount: batch.count, dueOffset: batch.lastOffset)
    }
}

/// `--dry-run`: the first `count` events of the stream as JSON lines, each exactly the object
/// a live run would put in its batch (so a line can be posted as a single event).
struct DryRunWriter {
    /// Calls `write` with chunks of newline-terminated JSON lines; returns events per tenant.
    @discardableResult
    static func write(count: Int, traffic: TrafficConfiguration, to write: ([UInt8]) -> Void) -> [Int] {
        var generator = TrafficGenerator(traffic)
        var encoder = EventJSONEncoder()
        var perTenant = Array(repeating: 0, count: traffic.tenantCount)
        var chunk: [UInt8] = []
        chunk.reserveCapacity(1 << 16)
        for _ in 0..<count {
            let (event, _) = generator.next()
            perTenant[event.tenantIndex] += 1
            encoder.append(event, to: &chunk)
            chunk.append(UInt8(ascii: "\n"))
            if chunk.count >= 1 << 16 - 1024 {
                write(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        if !chunk.isEmpty { write(chunk) }
        return perTenant
    }
}

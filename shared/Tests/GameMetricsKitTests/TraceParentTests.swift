import GameMetricsKit
import Testing

@Suite("W3C traceparent")
struct TraceParentTests {
    @Test("a valid header parses and prints back unchanged")
    func validHeaderRoundTrips() throws {
        let header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        let parent = try #require(TraceParent(header))
        #expect(parent.traceID.description == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(parent.parentID.description == "00f067aa0ba902b7")
        #expect(parent.description == header)
    }

    @Test(
        "malformed headers are ignored",
        arguments: [
            "", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        ])
    func malformedHeadersAreIgnored(header: String) {
        #expect(TraceParent(header) == nil)
    }

    @Test("a later version with extra fields is accepted")
    func laterVersionIsAccepted() {
        #expect(TraceParent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future") != nil)
    }

    @Test("a child keeps the trace and gets a new span id")
    func childKeepsTrace() throws {
        let parent = TraceParent.newRoot()
        let child = parent.child()
        #expect(child.traceID == parent.traceID)
        #expect(child.parentID != parent.parentID)
        #expect(TraceParent(child.description) == child)
    }
}

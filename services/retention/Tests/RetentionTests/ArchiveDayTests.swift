import Foundation
import Testing

@testable import Retention

@Suite("Archive days")
struct ArchiveDayTests {
    @Test("a day reads and writes as YYYY-MM-DD and names its folder YYYY/MM/DD")
    func roundTrips() throws {
        let day = try #require(ArchiveDay(iso: "2024-02-29"))
        #expect(day.description == "2024-02-29")
        #expect(day.path == "2024/02/29")
        #expect(day.adding(days: 1).description == "2024-03-01")
        #expect(ArchiveDay(day.start) == day)
        #expect(ArchiveDay(day.end.addingTimeInterval(-0.001)) == day)
        #expect(ArchiveBucket.objectKey(tenantID: "acme", day: day, part: 3, kind: .late) == "acme/2024/02/29/late-0003.ndjson.gz")
    }

    @Test("what is not a calendar date is refused", arguments: ["2023-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "20260101", "2026-01-01T00:00", "１９７０-01-01", "1969-12-31"])
    func refuses(text: String) {
        #expect(ArchiveDay(iso: text) == nil)
    }

    @Test("a policy keeps a day hot, then archived, then nowhere")
    func policyWindows() throws {
        let today = try #require(ArchiveDay(iso: "2026-12-07"))
        let policy = RetentionPolicy(hotDays: 30, archiveDays: 365)
        #expect(policy.isHot(today.adding(days: -29), today: today))
        #expect(!policy.isHot(today.adding(days: -30), today: today))
        #expect(policy.isKept(today.adding(days: -394), today: today))
        #expect(!policy.isKept(today.adding(days: -395), today: today))
    }
}

import Foundation
import Testing

import GameMetricsKit

@Suite("Cron schedules")
struct CronScheduleTests {
    private func date(_ text: String) throws -> Date { try #require(try? Date(text, strategy: .iso8601)) }

    @Test(
        "the next run is the first matching minute after now, in UTC",
        arguments: [
            ("17 3 * * *", "2026-12-07T03:16:59Z", "2026-12-07T03:17:00Z"),
            ("17 3 * * *", "2026-12-07T03:17:00Z", "2026-12-08T03:17:00Z"),
            ("*/15 * * * *", "2026-12-07T10:46:10Z", "2026-12-07T11:00:00Z"),
            ("0 0 1 * *", "2026-12-07T10:00:00Z", "2027-01-01T00:00:00Z"),
            ("30 2 * * 0", "2026-12-07T10:00:00Z", "2026-12-13T02:30:00Z"),
            ("30 2 * * 7", "2026-12-07T10:00:00Z", "2026-12-13T02:30:00Z"),
            ("0 12 29 2 *", "2026-12-07T10:00:00Z", "2028-02-29T12:00:00Z"),
            ("5/20 9-10 * * 1-5", "2026-12-05T00:00:00Z", "2026-12-07T09:05:00Z"),
            ("0 6 1 * 3", "2026-12-07T10:00:00Z", "2026-12-09T06:00:00Z"),
            ("0,30 8 * 1,12 *", "2026-12-31T08:31:00Z", "2027-01-01T08:00:00Z"),
        ])
    func nextRun(expression: String, now: String, expected: String) throws {
        #expect(try CronSchedule(expression).next(after: try date(now)) == (try date(expected)))
    }

    @Test("a date that never comes has no next run")
    func neverMatches() throws {
        #expect(try CronSchedule("0 0 31 2 *").next(after: Date()) == nil)
    }

    @Test("malformed expressions are refused, naming the field", arguments: ["", "* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8", "*/0 * * * *", "5-1 * * * *", "a * * * *", "1/2/3 * * * *"])
    func refusesMalformed(expression: String) {
        #expect(throws: CronSchedule.ParseError.self) { try CronSchedule(expression) }
    }
}

import S3Pieces

enum XMLComparison {
    static func run(rounds: Int) throws {
        let listing = S3XMLComparison.listing()
        let ours = try S3XMLComparison.ours(listing)
        // Both must read the same 1000 objects, or they do not do the same work.
        precondition(ours.count == 1000 && ours == S3XMLComparison.foundation(listing))
        var objects = 0
        try Rounds(name: "s3_list_xml: S3XMLParser + S3DateParser vs Foundation XMLParser (libxml2) + ISO8601FormatStyle, \(listing.count)-byte ListObjectsV2 page", operations: 50, rounds: rounds).compare(
            ours: { for _ in 0..<50 { objects += try S3XMLComparison.ours(listing).count } },
            theirs: { for _ in 0..<50 { objects += S3XMLComparison.foundation(listing).count } })
        if objects == 42 { print("unlikely") }
    }
}

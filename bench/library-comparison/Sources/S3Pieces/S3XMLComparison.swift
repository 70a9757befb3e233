import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif

/// S3 ListObjectsV2 answers (1000 keys, as S3 pages them): S3XMLParser + S3DateParser, as
/// S3Client reads them, against Foundation's XMLParser (libxml2) building the same list. Lives in
/// this module because the S3 module's parser is internal.
public enum S3XMLComparison {
    public static func listing() -> [UInt8] {
        var xml =
            #"<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>gm-archive</Name><Prefix>events/</Prefix><KeyCount>1000</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>"#
        for i in 0..<1000 {
            xml += "<Contents><Key>events/demo-casino/2026-11-21/part-\(i).jsonl.gz</Key><LastModified>2026-11-21T23:51:\(10 + i % 50).000Z</LastModified><ETag>&quot;\(String(i * 7919, radix: 16))a0b1c2d3e4f5&quot;</ETag><Size>\(100_000 + i)</Size><StorageClass>STANDARD</StorageClass></Contents>"
        }
        return Array((xml + "</ListBucketResult>").utf8)
    }

    public struct Object: Equatable {
        var key = ""
        var size = 0
        var lastModified: Date?
    }

    public static func ours(_ bytes: [UInt8]) throws -> [Object] {
        try S3XMLParser.parse(bytes).children(named: "Contents").map { entry in
            Object(
                key: entry.text(of: "Key") ?? "", size: entry.text(of: "Size").flatMap { Int($0) } ?? 0,
                lastModified: entry.text(of: "LastModified").flatMap(S3DateParser.iso8601))
        }
    }

    public static func foundation(_ bytes: [UInt8]) -> [Object] {
        let parser = XMLParser(data: Data(bytes))
        let delegate = ListingDelegate()
        parser.delegate = delegate
        precondition(parser.parse())
        return delegate.objects
    }

    private final class ListingDelegate: NSObject, XMLParserDelegate {
        var objects: [Object] = []
        private var current: Object?
        private var text = ""
        private let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            if name == "Contents" { current = Object() }
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            text += string
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch name {
            case "Key": current?.key = text
            case "Size": current?.size = Int(text) ?? 0
            case "LastModified": current?.lastModified = try? style.parse(text)
            case "Contents": if let current { objects.append(current) }; current = nil
            default: break
            }
        }
    }
}

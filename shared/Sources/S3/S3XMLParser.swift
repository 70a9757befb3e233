/// A small, strict-enough XML reader for S3 response bodies. Foundation's `XMLParser` lives in
/// FoundationXML on Linux and drags libxml2 into every service image that links S3 (all of
/// them); S3's bodies are plain nested elements, so a hundred lines cover them: elements,
/// character data, the five named entities and numeric references, CDATA, comments, the XML
/// declaration and a DOCTYPE. Attributes are skipped.
enum S3XMLParser {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ bytes: [UInt8]) throws(Failure) -> S3XMLElement {
        var index = 0
        var stack: [S3XMLElement] = []
        var root: S3XMLElement?

        func starts(with prefix: String, at position: Int) -> Bool {
            let p = Array(prefix.utf8)
            return position + p.count <= bytes.count && Array(bytes[position..<position + p.count]) == p
        }
        func skip(past terminator: String, from position: Int) throws(Failure) -> Int {
            let t = Array(terminator.utf8)
            var i = position
            while i + t.count <= bytes.count {
                if bytes[i] == t[0] && Array(bytes[i..<i + t.count]) == t { return i + t.count }
                i += 1
            }
            throw Failure(description: "unterminated '\(terminator)'")
        }
        func localName(_ raw: ArraySlice<UInt8>) -> String {
            let name = String(decoding: raw, as: UTF8.self)
            if let colon = name.lastIndex(of: ":") { return String(name[name.index(after: colon)...]) }
            return name
        }

        while index < bytes.count {
            if bytes[index] != UInt8(ascii: "<") {
                let start = index
                while index < bytes.count && bytes[index] != UInt8(ascii: "<") { index += 1 }
                if !stack.isEmpty {
                    stack[stack.count - 1].text += try decodeEntities(bytes[start..<index])
                }
                continue
            }
            if starts(with: "<?", at: index) {
                index = try skip(past: "?>", from: index)
            } else if starts(with: "<!--", at: index) {
                index = try skip(past: "-->", from: index)
            } else if starts(with: "<![CDATA[", at: index) {
                let start = index + 9
                index = try skip(past: "]]>", from: start)
                if !stack.isEmpty {
                    stack[stack.count - 1].text += String(decoding: bytes[start..<index - 3], as: UTF8.self)
                }
            } else if starts(with: "<!", at: index) {
                index = try skip(past: ">", from: index)
            } else if starts(with: "</", at: index) {
                let start = index + 2
                index = try skip(past: ">", from: start)
                let name = localName(bytes[start..<index - 1].filter { $0 > 0x20 }[...])
                guard let element = stack.popLast(), element.name == name else {
                    throw Failure(description: "unexpected closing tag </\(name)>")
                }
                if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
            } else {
                // Start tag; skip attribute values in quotes, which may contain '>'.
                let start = index + 1
                var i = start
                var quote: UInt8? = nil
                while i < bytes.count {
                    let byte = bytes[i]
                    if let q = quote { if byte == q { quote = nil } } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") { quote = byte } else if byte == UInt8(ascii: ">") { break }
                    i += 1
                }
                guard i < bytes.count else { throw Failure(description: "unterminated start tag") }
                let selfClosing = bytes[i - 1] == UInt8(ascii: "/")
                var nameEnd = start
                while nameEnd < i, bytes[nameEnd] > 0x20, bytes[nameEnd] != UInt8(ascii: "/") { nameEnd += 1 }
                guard nameEnd > start else { throw Failure(description: "start tag without a name") }
                let element = S3XMLElement(name: localName(bytes[start..<nameEnd]))
                index = i + 1
                if selfClosing {
                    if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
                } else {
                    stack.append(element)
                }
            }
        }
        guard stack.isEmpty, let root else {
            throw Failure(description: stack.isEmpty ? "no root element" : "unclosed <\(stack.last!.name)>")
        }
        return root
    }

    private static func decodeEntities(_ raw: ArraySlice<UInt8>) throws(Failure) -> String {
        guard raw.contains(UInt8(ascii: "&")) else { return String(decoding: raw, as: UTF8.self) }
        let text = String(decoding: raw, as: UTF8.self)
        var out = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";") else {
                throw Failure(description: "unterminated entity")
            }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "lt": out += "<"
            case "gt": out += ">"
            case "amp": out += "&"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let scalar: UInt32?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    scalar = UInt32(entity.dropFirst(2), radix: 16)
                } else if entity.hasPrefix("#") {
                    scalar = UInt32(entity.dropFirst(), radix: 10)
                } else {
                    scalar = nil
                }
                guard let scalar, let value = Unicode.Scalar(scalar) else {
                    throw Failure(description: "unknown entity &\(entity);")
                }
                out.unicodeScalars.append(value)
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        out += rest
        return out
    }
}

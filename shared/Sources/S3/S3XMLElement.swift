/// A parsed XML element: enough structure for S3's responses (nested elements with text),
/// without attributes, which S3 bodies do not use for data.
struct S3XMLElement: Sendable {
    /// Local name, namespace prefix removed.
    var name: String
    /// The element's own character data, entities decoded.
    var text: String = ""
    var children: [S3XMLElement] = []

    func child(_ name: String) -> S3XMLElement? {
        children.first { $0.name == name }
    }

    func children(named name: String) -> [S3XMLElement] {
        children.filter { $0.name == name }
    }

    /// Text of the first child called `name`.
    func text(of name: String) -> String? {
        child(name)?.text
    }
}

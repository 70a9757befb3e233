/// An input file the bench cannot read as documented.
struct BenchInputError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

struct ModelLoadFailed: Error, CustomStringConvertible {
    let reason: String
    var description: String { "loading the model failed: \(reason)" }
}

import Foundation
import Hummingbird

extension Parameters {
    /// The path parameter `name` with its percent-encoding undone: Hummingbird's router matches
    /// and captures the raw path, so an id holding a space, `é` or `/` arrives as `%20`, `%C3%A9`
    /// or `%2F`. Nil when absent or when the encoding is malformed (not UTF-8).
    public func percentDecoded(_ name: String) -> String? {
        get(name).flatMap { $0.removingPercentEncoding }
    }
}

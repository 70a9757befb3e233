/// External string ids (player ids, game ids) ↔ the dense indices the model works with.
/// Indices are given in order of first appearance, so a map rebuilt from the same ids in the same
/// order gives the same indices.
public struct IndexMap: Sendable, Equatable {
    public private(set) var ids: [String] = []
    private var indices: [String: Int32] = [:]

    public init() {}

    /// A map whose index `i` is `ids[i]`; duplicate ids keep their first index.
    public init(ids: [String]) {
        for id in ids { index(for: id) }
    }

    public var count: Int { ids.count }

    /// The index of `id`, assigning the next one if `id` is new.
    @discardableResult
    public mutating func index(for id: String) -> Int32 {
        if let existing = indices[id] { return existing }
        let next = Int32(ids.count)
        ids.append(id)
        indices[id] = next
        return next
    }

    /// The index of `id`, or nil if the map has never seen it.
    public func index(of id: String) -> Int32? {
        indices[id]
    }

    public func id(at index: Int32) -> String {
        ids[Int(index)]
    }
}

import Foundation
import Synchronization

/// The models serving has loaded (``ServingModel``), by id; a model never changes once ready,
/// so an entry is never stale. Loaded on first use; at most `capacity` kept (rollouts serve two
/// per tenant).
final class ServingModels: Sendable {
    private let store: ModelStore
    private let search: VectorSearch
    private let capacity: Int
    private let loaded = Mutex<[Int64: ServingModel]>([:])

    init(store: ModelStore, search: VectorSearch, capacity: Int = 256) {
        self.store = store
        self.search = search
        self.capacity = capacity
    }

    func model(_ id: Int64) async throws -> ServingModel? {
        if let model = loaded.withLock({ $0[id] }) { return model }
        guard let record = try await store.model(id: id) else { return nil }
        let model = try ServingModel(record: record, gameVectors: try await search.gameVectors(modelID: id))
        loaded.withLock { models in
            if models.count >= capacity { models.removeAll() }
            models[id] = model
        }
        return model
    }
}

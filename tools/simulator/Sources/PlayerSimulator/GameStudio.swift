/// An invented game studio (the catalogue's `provider`): which categories it makes and how big
/// it is, relative to the others (a big studio makes more of the games of its categories).
struct GameStudio: Sendable {
    var name: String
    var categories: Set<GameCategory>
    var size: Double

    static let all: [GameStudio] = [
        GameStudio(name: "Aurora Reels", categories: [.slots], size: 3),
        GameStudio(name: "Blue Fjord Studios", categories: [.slots, .instant], size: 2),
        GameStudio(name: "Copperline Gaming", categories: [.slots, .table], size: 2),
        GameStudio(name: "Red Lantern Games", categories: [.slots, .bingo], size: 1.5),
        GameStudio(name: "Northwind Interactive", categories: [.slots], size: 1),
        GameStudio(name: "Pixel Mint", categories: [.instant, .crash, .slots], size: 1),
        GameStudio(name: "Golden Anvil", categories: [.slots], size: 2),
        GameStudio(name: "Velvet Rope Live", categories: [.liveCasino], size: 2),
        GameStudio(name: "Crimson Kite", categories: [.slots, .crash], size: 1),
        GameStudio(name: "Stormpeak Studios", categories: [.slots], size: 1),
        GameStudio(name: "Lucky Otter", categories: [.slots, .bingo, .instant], size: 1),
        GameStudio(name: "Iron Tiger Games", categories: [.slots, .table], size: 1.5),
        GameStudio(name: "Silverleaf Tables", categories: [.table, .liveCasino], size: 1),
        GameStudio(name: "Nebula Play", categories: [.crash, .instant], size: 1),
        GameStudio(name: "Quartz Gaming", categories: [.slots, .table], size: 1),
        GameStudio(name: "Moonshot Labs", categories: [.crash, .slots], size: 1),
        GameStudio(name: "Harbor Lights Live", categories: [.liveCasino, .table], size: 1.5),
        GameStudio(name: "Emberforge", categories: [.slots], size: 1),
        GameStudio(name: "Tidewater Games", categories: [.bingo, .slots], size: 1),
        GameStudio(name: "Jade Phoenix", categories: [.slots, .liveCasino], size: 1.5),
    ]

    /// Per category (by ``GameCategory/index``): indices into ``all`` of the studios making
    /// it, and their cumulative sizes for drawing one.
    static let makers: [(studios: [Int], cumulativeSizes: [Double])] = GameCategory.allCases.map { category in
        let studios = all.indices.filter { all[$0].categories.contains(category) }
        var total = 0.0
        return (
            studios,
            studios.map {
                total += all[$0].size; return total
            }
        )
    }
}

/// The players × games matrix of play counts, stored twice: compressed rows by player (CSR) for
/// the player step of ALS and compressed columns by game (CSC) for the game step. Columns within a
/// row, and rows within a column, are sorted ascending; duplicates of a (player, game) pair are
/// summed when the matrix is built.
public struct InteractionMatrix: Sendable {
    public let players: Int
    public let games: Int
    /// `playerOffsets[p]..<playerOffsets[p + 1]` indexes `playerGames`/`playerCounts` for player `p`.
    public let playerOffsets: [Int]
    public let playerGames: [Int32]
    public let playerCounts: [Float]
    /// `gameOffsets[g]..<gameOffsets[g + 1]` indexes `gamePlayers`/`gameCounts` for game `g`.
    public let gameOffsets: [Int]
    public let gamePlayers: [Int32]
    public let gameCounts: [Float]

    /// Non-zero (player, game) pairs after duplicates are summed.
    public var nonZeros: Int { playerGames.count }

    /// Builds the matrix from triples in any order. Indices must lie in `0..<players` and
    /// `0..<games`; counts should be positive (a pair whose summed count is not positive is dropped).
    public init(players: Int, games: Int, interactions: [Interaction]) {
        precondition(players >= 0 && games >= 0 && players < Int(Int32.max) && games < Int(Int32.max))
        self.players = players
        self.games = games
        // Counting sort by player, then per row: sort by game, merge duplicates.
        var rowStart = [Int](repeating: 0, count: players + 1)
        for interaction in interactions {
            precondition(interaction.playerIndex >= 0 && Int(interaction.playerIndex) < players, "player index out of range")
            precondition(interaction.gameIndex >= 0 && Int(interaction.gameIndex) < games, "game index out of range")
            rowStart[Int(interaction.playerIndex) + 1] &+= 1
        }
        for row in 0..<players { rowStart[row + 1] &+= rowStart[row] }
        var cursor = rowStart
        var scatteredGames = [Int32](repeating: 0, count: interactions.count)
        var scatteredCounts = [Float](repeating: 0, count: interactions.count)
        for interaction in interactions {
            let row = Int(interaction.playerIndex)
            let slot = cursor[row]
            cursor[row] = slot &+ 1
            scatteredGames[slot] = interaction.gameIndex
            scatteredCounts[slot] = interaction.count
        }
        var offsets = [Int](repeating: 0, count: players + 1)
        var games32: [Int32] = []
        var counts: [Float] = []
        games32.reserveCapacity(interactions.count)
        counts.reserveCapacity(interactions.count)
        var pairs: [(Int32, Float)] = []
        for row in 0..<players {
            pairs.removeAll(keepingCapacity: true)
            for slot in rowStart[row]..<rowStart[row + 1] { pairs.append((scatteredGames[slot], scatteredCounts[slot])) }
            pairs.sort { $0.0 < $1.0 }
            var index = 0
            while index < pairs.count {
                let game = pairs[index].0
                var total: Float = 0
                while index < pairs.count && pairs[index].0 == game {
                    total += pairs[index].1
                    index += 1
                }
                if total > 0 {
                    games32.append(game)
                    counts.append(total)
                }
            }
            offsets[row + 1] = games32.count
        }
        playerOffsets = offsets
        playerGames = games32
        playerCounts = counts

        // The transpose by counting sort: walking rows in order leaves each column's rows sorted.
        var columnStart = [Int](repeating: 0, count: games + 1)
        for game in games32 { columnStart[Int(game) + 1] &+= 1 }
        for column in 0..<games { columnStart[column + 1] &+= columnStart[column] }
        var columnCursor = columnStart
        var columnPlayers = [Int32](repeating: 0, count: games32.count)
        var columnCounts = [Float](repeating: 0, count: games32.count)
        for row in 0..<players {
            for slot in offsets[row]..<offsets[row + 1] {
                let column = Int(games32[slot])
                let target = columnCursor[column]
                columnCursor[column] = target &+ 1
                columnPlayers[target] = Int32(row)
                columnCounts[target] = counts[slot]
            }
        }
        gameOffsets = columnStart
        gamePlayers = columnPlayers
        gameCounts = columnCounts
    }

    /// The games player `player` played, ascending, with their summed counts.
    public func games(ofPlayer player: Int) -> (games: ArraySlice<Int32>, counts: ArraySlice<Float>) {
        let range = playerOffsets[player]..<playerOffsets[player + 1]
        return (playerGames[range], playerCounts[range])
    }

    /// The players who played game `game`, ascending, with their summed counts.
    public func players(ofGame game: Int) -> (players: ArraySlice<Int32>, counts: ArraySlice<Float>) {
        let range = gameOffsets[game]..<gameOffsets[game + 1]
        return (gamePlayers[range], gameCounts[range])
    }

    /// Every non-zero entry as a triple, by player then game.
    public func interactions() -> [Interaction] {
        var result: [Interaction] = []
        result.reserveCapacity(nonZeros)
        for player in 0..<players {
            for slot in playerOffsets[player]..<playerOffsets[player + 1] {
                result.append(Interaction(playerIndex: Int32(player), gameIndex: playerGames[slot], count: playerCounts[slot]))
            }
        }
        return result
    }
}

/// One game of a tenant's catalogue, as `--print-catalogue` exports it, plus what the simulator
/// needs to play it (its pay table) and to rank it (its appeal).
struct CatalogueGame: Sendable, Equatable {
    /// Stable and URL-safe: `<category prefix>-<name slug>-<number>`, e.g. `slot-aztec-gold-0042`.
    var gameID: String
    var name: String
    /// Index into ``GameStudio/all``.
    var studio: Int
    var category: GameCategory
    var volatility: GameVolatility
    /// Days since 1970-01-01.
    var releaseDay: Int
    /// A disabled game is in the catalogue but never played.
    var enabled: Bool
    /// Uniform in `0..<1`; games are ranked by it for popularity.
    var appeal: Double
    /// Index into ``CasinoGame/catalog(returnToPlayer:)``.
    var payTable: Int

    var provider: String { GameStudio.all[studio].name }

    /// `YYYY-MM-DD`.
    var releaseDate: String { Self.civilDate(days: releaseDay) }

    /// Releases span 2019-01-01 (day 17897) to 2026-10-31 (day 20757).
    static let firstReleaseDay = 17897
    static let lastReleaseDay = 20757
    static let disabledShare = 0.03

    /// Game `number` (1-based) of a catalogue, drawn from its own generator, so a game's
    /// attributes depend only on the catalogue's seed and its number, not on the catalogue's size.
    static func generate(number: Int, digits: Int, catalogueSeed: UInt64) -> CatalogueGame {
        var rng = SeededGenerator(seed: SeededGenerator.mix(catalogueSeed &+ UInt64(number)))
        let category = GameCategory.category(for: rng.nextDouble())
        let makers = GameStudio.makers[category.index]
        let sizeDraw = rng.nextDouble() * makers.cumulativeSizes.last!
        let studio = makers.studios[makers.cumulativeSizes.firstIndex { sizeDraw < $0 } ?? makers.studios.count - 1]
        var volatilityDraw = rng.nextDouble()
        var volatility = GameVolatility.high
        for (candidate, share) in zip(GameVolatility.allCases, category.volatilityShares) {
            if volatilityDraw < share {
                volatility = candidate
                break
            }
            volatilityDraw -= share
        }
        let parts = category.nameParts
        let name = rng.pick(parts.first) + " " + rng.pick(parts.second)
        // More games came out in recent years: the density of release days rises linearly.
        let span = Double(lastReleaseDay - firstReleaseDay)
        let releaseDay = firstReleaseDay + Int((span * rng.nextDouble().squareRoot()).rounded(.down))
        let enabled = !rng.chance(disabledShare)
        let appeal = rng.nextDouble()
        let numberText = String(number)
        let gameID =
            category.idPrefix + "-" + slug(name) + "-" + String(repeating: "0", count: max(0, digits - numberText.count)) + numberText
        return CatalogueGame(
            gameID: gameID, name: name, studio: studio, category: category, volatility: volatility, releaseDay: releaseDay,
            enabled: enabled, appeal: appeal, payTable: CasinoGame.index(category: category, volatility: volatility)
        )
    }

    /// Lowercase ASCII letters and digits, words joined by single hyphens ("Hi-Lo" → "hi-lo").
    static func slug(_ text: String) -> String {
        var out = ""
        var pendingHyphen = false
        for scalar in text.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if pendingHyphen && !out.isEmpty { out.append("-") }
                pendingHyphen = false
                out.unicodeScalars.append(scalar.properties.lowercaseMapping.unicodeScalars.first!)
            } else {
                pendingHyphen = true
            }
        }
        return out
    }

    /// `YYYY-MM-DD` of a day count since 1970-01-01 (proleptic Gregorian; Howard Hinnant's
    /// civil_from_days), without Foundation's calendars, whose results depend on the locale setup.
    static func civilDate(days: Int) -> String {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day))"
    }
}

/// The simulated player base of every tenant and the stream of events it produces, one at a
/// time, each stamped with its due time on the schedule.
///
/// Only some players are online (in a session) at a time: as many per tenant as it takes for
/// each to act about ``eventsPerOnlinePlayer`` times a second at the current rate (capped by
/// the player base), so sessions last minutes, not seconds, and a diurnal peak brings more
/// players online rather than making the same ones frantic. Each event goes to a tenant chosen
/// uniformly; while that tenant has fewer players online than its target, one event in ten logs
/// an offline player on (so a run ramps up instead of starting with a wall of
/// `session_start`s); otherwise an online player acts. Players are chosen with probability
/// proportional to their segment's activity (a high roller acts six times as often as a casual
/// player).
///
/// Deterministic: the same ``TrafficConfiguration`` gives the same events, in the same order.
/// Event ids, players, types, games, amounts and properties depend only on the seed, the
/// number of tenants, players and games per tenant, the taste clusters and the return to player; `occurred_at` and
/// `duration_ms` also on the rate, the profile and the start time.
struct TrafficGenerator: Sendable {
    let configuration: TrafficConfiguration
    let model: PlayerModel
    private(set) var players: [PlayerState]
    private var rng: SeededGenerator
    private var schedule: EventSchedule
    /// Per tenant: indices into ``players`` of those in a session.
    private var online: [[Int]]
    /// Per player: position in its tenant's ``online`` list, or -1.
    private var onlineSlot: [Int32]
    /// Events produced so far.
    private(set) var generatedCount = 0

    static let platforms = ["ios", "android", "web"]
    /// How often an online player acts, on average (a round every seven seconds or so).
    static let eventsPerOnlinePlayer = 0.4
    /// Chance that an event logs a player on while a tenant is below its online target.
    static let logOnProbability = 0.1

    init(_ configuration: TrafficConfiguration) {
        precondition(configuration.tenantCount > 0 && configuration.playersPerTenant > 0)
        self.configuration = configuration
        model = PlayerModel(returnToPlayer: configuration.returnToPlayer, tastes: Self.tastes(configuration))
        rng = SeededGenerator(seed: configuration.seed)
        schedule = EventSchedule(baseRate: configuration.baseRate, profile: configuration.profile)
        online = Array(repeating: [], count: configuration.tenantCount)
        onlineSlot = Array(repeating: -1, count: configuration.tenantCount * configuration.playersPerTenant)
        players = []
        players.reserveCapacity(configuration.tenantCount * configuration.playersPerTenant)
        for tenant in 0..<configuration.tenantCount {
            let currencies = SimulatedTenant.currencies(tenantIndex: tenant)
            let taste = model.tastes[tenant]
            for number in 1...configuration.playersPerTenant {
                let segment = PlayerSegment.segment(for: rng.nextDouble())
                var u = rng.nextDouble()
                var currency = currencies[0].code
                for candidate in currencies {
                    if u < candidate.share {
                        currency = candidate.code
                        break
                    }
                    u -= candidate.share
                }
                let platform = rng.pick(Self.platforms)
                let clusters = taste.clusters(ofPlayer: number)
                players.append(
                    PlayerState(
                        tenantIndex: tenant, playerID: Self.playerID(number), segment: segment, currency: currency,
                        platform: platform, cluster: Int16(clusters.main), secondCluster: Int16(clusters.second ?? -1),
                        favouriteGames: taste.favourites(cluster: clusters.main, &rng)
                    ))
            }
        }
    }

    /// Each tenant's catalogue and taste model: they depend only on the seed, the tenant's
    /// position, the catalogue's size and the number of clusters, so `--print-catalogue` and
    /// `--print-taste` show what a run with the same flags plays.
    static func tastes(_ configuration: TrafficConfiguration) -> [TasteModel] {
        (0..<configuration.tenantCount).map { tenant in
            let seed = GameCatalogue.seed(runSeed: configuration.seed, tenantIndex: tenant)
            return TasteModel(
                catalogue: GameCatalogue(seed: seed, count: configuration.gamesPerTenant), clusterCount: configuration.tasteClusters,
                seed: seed
            )
        }
    }

    /// When the next event is due, in seconds after the start.
    var nextOffset: Double { schedule.nextOffset }

    /// The next event and its due time in seconds after the start.
    mutating func next() -> (event: SimulatedEvent, offset: Double) {
        let offset = schedule.advance()
        let micros = configuration.startMicros + Int64((offset * 1_000_000).rounded())
        let tenant = rng.nextInt(below: configuration.tenantCount)
        let index = chooseActor(tenant: tenant, offset: offset)
        let event = model.step(&players[index], at: micros, rng: &rng)
        let isOnline = players[index].phase != .offline
        if isOnline && onlineSlot[index] < 0 {
            onlineSlot[index] = Int32(online[tenant].count)
            online[tenant].append(index)
        } else if !isOnline && onlineSlot[index] >= 0 {
            let slot = Int(onlineSlot[index])
            let last = online[tenant].removeLast()
            if last != index {
                online[tenant][slot] = last
                onlineSlot[last] = Int32(slot)
            }
            onlineSlot[index] = -1
        }
        generatedCount += 1
        return (event, offset)
    }

    /// Players of `tenant` online now.
    func onlineCount(tenant: Int) -> Int { online[tenant].count }

    /// How many of a tenant's players should be online at `offset`.
    func onlineTarget(at offset: Double) -> Int {
        let rate = configuration.profile.rate(at: offset, base: configuration.baseRate) / Double(configuration.tenantCount)
        return min(configuration.playersPerTenant, max(1, Int((rate / Self.eventsPerOnlinePlayer).rounded())))
    }

    /// Index into ``players`` of who acts next in `tenant` (rejection sampling on activity).
    private mutating func chooseActor(tenant: Int, offset: Double) -> Int {
        let active = online[tenant]
        let logOn = active.isEmpty || (active.count < onlineTarget(at: offset) && rng.chance(Self.logOnProbability))
        if logOn {
            let base = tenant * configuration.playersPerTenant
            while true {
                let index = base + rng.nextInt(below: configuration.playersPerTenant)
                if onlineSlot[index] < 0 && rng.nextInt(below: PlayerSegment.maxActivity) < players[index].segment.activity {
                    return index
                }
            }
        }
        while true {
            let index = active[rng.nextInt(below: active.count)]
            if rng.nextInt(below: PlayerSegment.maxActivity) < players[index].segment.activity {
                return index
            }
        }
    }

    /// `player-000042`: the same ids in every tenant (tenants are isolated), six digits or more.
    static func playerID(_ number: Int) -> String {
        let digits = String(number)
        return "player-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}

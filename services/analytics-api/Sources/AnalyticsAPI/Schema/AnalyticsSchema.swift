import Graphiti

/// The GraphQL schema. `schema.graphql` beside this file is its printed form, checked by the tests.
enum AnalyticsSchema {
    static func make() throws -> Schema<AnalyticsResolver, AnalyticsContext> {
        try Schema<AnalyticsResolver, AnalyticsContext> {
            Enum(Metric.self) {
                Value(.events)
                Value(.activePlayers)
                Value(.sessions)
                Value(.rounds)
                Value(.bets)
                Value(.wins)
                Value(.netGamingRevenue)
                Value(.deposits)
                Value(.withdrawals)
            }
            .description("What a time series counts; amounts are in minor units of one currency.")
            Enum(SeriesGrain.self, as: "Grain") {
                Value(.minute)
                Value(.hour)
                Value(.day)
            }
            Enum(GameRanking.self) {
                Value(.players)
                Value(.rounds)
                Value(.revenue)
            }
            Type(AnsweredRange.self, as: "Range") {
                Field("from", at: \.from)
                Field("to", at: \.to)
            }
            .description("The range answered, after alignment to whole minutes (or hours, where minutes are no longer kept); RFC 3339.")
            Type(CurrencyTotals.self) {
                Field("currency", at: \.currency)
                Field("bets", at: \.bets)
                Field("wins", at: \.wins)
                Field("netGamingRevenue", at: \.netGamingRevenue).description("bets - wins")
                Field("deposits", at: \.deposits)
                Field("withdrawals", at: \.withdrawals)
            }
            .description("Sums in minor units of `currency`.")
            Type(Overview.self) {
                Field("range", at: Overview.range)
                Field("events", at: Overview.events)
                Field("activePlayers", at: Overview.activePlayers).description("Distinct players with any event in the range (exact).")
                Field("dailyActivePlayers", at: Overview.dailyActivePlayers).description("Distinct players in the 24 hours before the range's end.")
                Field("weeklyActivePlayers", at: Overview.weeklyActivePlayers).description("Distinct players in the 7 days before the range's end.")
                Field("monthlyActivePlayers", at: Overview.monthlyActivePlayers).description("Distinct players in the 30 days before the range's end.")
                Field("sessions", at: Overview.sessions).description("session_start events.")
                Field("averageSessionSeconds", at: Overview.averageSessionSeconds).description("Reported session_end durations over session_end events; null without any.")
                Field("currencies", at: Overview.currencies)
            }
            Type(SeriesPoint.self) {
                Field("bucket", at: \.bucket).description("The bucket's first instant (RFC 3339, UTC).")
                Field("value", at: \.value)
            }
            Type(TimeSeries.self) {
                Field("metric", at: \.metric)
                Field("grain", at: \.grain)
                Field("timeZone", at: \.timeZone)
                Field("range", at: \.range)
                Field("sourceGrain", at: \.sourceGrain).description("The stored grain summed: finer than `grain` when the zone's offset is not whole hours.")
                Field("points", at: \.points).description("Every bucket of the range, empty ones as 0.")
            }
            Type(GameStats.self) {
                Field("gameId", at: \.gameId)
                Field("players", at: \.players)
                Field("rounds", at: \.rounds)
                Field("revenue", at: \.revenue).description("Net gaming revenue in the asked currency; 0 without one.")
            }
            Type(GameEdge.self) {
                Field("cursor", at: \.cursor)
                Field("node", at: \.node)
            }
            Type(PageInfo.self) {
                Field("hasNextPage", at: \.hasNextPage)
                Field("endCursor", at: \.endCursor)
            }
            Type(GameConnection.self) {
                Field("range", at: \.range)
                Field("totalCount", at: \.totalCount)
                Field("edges", at: \.edges)
                Field("pageInfo", at: \.pageInfo)
            }
            Type(PlayerSummary.self) {
                Field("playerId", at: \.playerId)
                Field("firstSeenAt", at: \.firstSeenAt)
                Field("lastSeenAt", at: \.lastSeenAt)
                Field("lastEventType", at: \.lastEventType)
                Field("lastGameId", at: \.lastGameId)
                Field("events", at: \.events)
                Field("sessions", at: \.sessions)
                Field("rounds", at: \.rounds)
                Field("activeDaysLast30", at: \.activeDaysLast30)
                Field("gamesLast30", at: \.gamesLast30)
            }
            Type(CohortRow.self) {
                Field("day", at: \.day)
                Field("players", at: \.players)
                Field("day1", at: \.day1).description("Share of the cohort with any event on the next day; null until that day begins.")
                Field("day7", at: \.day7)
                Field("day30", at: \.day30)
            }
            Type(InvalidEventCount.self) {
                Field("source", at: \.source)
                Field("reason", at: \.reason)
                Field("events", at: \.events)
            }
            Type(PartitionLag.self) {
                Field("partition", at: \.partition)
                Field("committedOffset", at: \.committedOffset)
                Field("highWatermark", at: \.highWatermark)
                Field("lag", at: \.lag)
            }
            Type(ConsumerLagReport.self) {
                Field("group", at: \.group)
                Field("topic", at: \.topic)
                Field("totalLag", at: \.totalLag)
                Field("partitions", at: \.partitions)
            }
            Type(PipelineHealth.self) {
                Field("range", at: \.range)
                Field("invalidEvents", at: \.invalidEvents).description("The tenant's refused events by refusing service and reason.")
                Field("invalidEventsTotal", at: \.invalidEventsTotal)
                Field("consumerLag", at: \.consumerLag).description("The processor's lag on the raw events (all tenants); null when Kafka does not answer.")
                Field("deadLetterQueueDepth", at: \.deadLetterQueueDepth).description("The notification service's dead letters; null until that service runs.")
            }
            Type(LiveDelta.self) {
                Field("minute", at: \.minute)
                Field("eventType", at: \.eventType)
                Field("currency", at: \.currency)
                Field("events", at: \.events)
                Field("amountMinor", at: \.amountMinor)
            }
            Type(LiveMetricsUpdate.self) {
                Field("tenantId", at: \.tenantId)
                Field("storedAt", at: \.storedAt)
                Field("deltas", at: \.deltas)
            }

            Query {
                Field("overview", at: AnalyticsResolver.overview) {
                    Argument("from", at: \.from)
                    Argument("to", at: \.to)
                    Argument("tenant", at: \.tenant)
                }
                .description("Totals over [from, to) (RFC 3339).")
                Field("timeSeries", at: AnalyticsResolver.timeSeries) {
                    Argument("metric", at: \.metric)
                    Argument("grain", at: \.grain)
                    Argument("from", at: \.from)
                    Argument("to", at: \.to)
                    Argument("timeZone", at: \.timeZone).defaultValue("UTC")
                    Argument("currency", at: \.currency)
                    Argument("gameId", at: \.gameId)
                    Argument("tenant", at: \.tenant)
                }
                .description("One metric per bucket of `grain` in `timeZone` (IANA name), gaps filled with 0.")
                Field("topGames", at: AnalyticsResolver.topGames) {
                    Argument("by", at: \.by)
                    Argument("from", at: \.from)
                    Argument("to", at: \.to)
                    Argument("currency", at: \.currency)
                    Argument("first", at: \.first).defaultValue(10)
                    Argument("after", at: \.after)
                    Argument("tenant", at: \.tenant)
                }
                .description("Games ranked by players, rounds or revenue, a page of `first` (1-100) after the cursor `after`.")
                Field("player", at: AnalyticsResolver.player) {
                    Argument("playerId", at: \.playerId)
                    Argument("tenant", at: \.tenant)
                }
                .description("One player's activity; null when the tenant has no such player.")
                Field("retentionCohorts", at: AnalyticsResolver.retentionCohorts) {
                    Argument("firstDay", at: \.firstDay)
                    Argument("days", at: \.days).defaultValue(7)
                    Argument("timeZone", at: \.timeZone).defaultValue("UTC")
                    Argument("tenant", at: \.tenant)
                }
                .description("Players by the day of their first event (`days` cohorts from `firstDay`), and who came back on days 1, 7 and 30.")
                Field("pipelineHealth", at: AnalyticsResolver.pipelineHealth) {
                    Argument("from", at: \.from)
                    Argument("to", at: \.to)
                    Argument("tenant", at: \.tenant)
                }
                .description("Refused events, consumer lag and dead letters: operator role.")
            }
            Subscription {
                SubscriptionField("liveMetrics", as: LiveMetricsUpdate.self, atSub: AnalyticsResolver.liveMetrics) {
                    Argument("tenant", at: \.tenant)
                }
                .description("What each stored batch added, within a second of the processor storing it (graphql-transport-ws at /graphql).")
            }
        }
    }
}

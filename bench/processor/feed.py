"""Writes player events as kcat input lines (`key<TAB>json`), as ingestion would write them to
player.events.raw: keyed tenant:player, every event type, amounts in two currencies, four games.

    python3 feed.py COUNT [RATE] [SEED]

RATE 0 (default) writes as fast as possible; otherwise the lines are paced to RATE per second
(in 10 ms steps), with occurred_at = the time of writing, so buckets are the live minute.
"""
import json
import random
import sys
import time
import uuid

TYPES = ["session_start", "session_end", "game_round", "bet_placed", "bet_settled", "deposit",
         "withdrawal", "purchase", "achievement_unlocked", "level_up", "page_view"]
NEEDS_GAME = {"game_round", "bet_placed", "bet_settled", "achievement_unlocked", "level_up"}
NEEDS_AMOUNT = {"bet_placed", "bet_settled", "deposit", "withdrawal", "purchase"}
GAMES = ["slots-1", "slots-2", "roulette", "blackjack"]
TENANTS = ["demo-casino", "demo-sportsbook"]


def main():
    count = int(sys.argv[1])
    rate = float(sys.argv[2]) if len(sys.argv) > 2 else 0
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    players = 10_000
    out = sys.stdout
    start = time.time()
    written = 0
    while written < count:
        step = count - written if rate == 0 else min(count - written, max(1, int(rate / 100)))
        now = time.time()
        occurred = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + ".%06dZ" % int((now % 1) * 1_000_000)
        lines = []
        for _ in range(step):
            player = rng.randrange(players)
            tenant = TENANTS[player % 2]
            kind = rng.choice(TYPES)
            event = {"event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "tenant_id": tenant,
                     "player_id": "p-%d" % player, "type": kind, "occurred_at": occurred}
            if kind in NEEDS_GAME:
                event["game_id"] = rng.choice(GAMES)
            if kind in NEEDS_AMOUNT:
                event["amount"] = {"minor": rng.randrange(100_000), "currency": "USD" if player % 3 == 0 else "EUR"}
            event["properties"] = {"duration_ms": rng.randrange(3_600_000)} if kind == "session_end" else {}
            lines.append("%s:p-%d\t%s\n" % (tenant, player, json.dumps(event, separators=(",", ":"))))
        out.write("".join(lines))
        written += step
        if rate > 0:
            out.flush()
            ahead = start + written / rate - time.time()
            if ahead > 0:
                time.sleep(ahead)
    out.flush()


if __name__ == "__main__":
    main()

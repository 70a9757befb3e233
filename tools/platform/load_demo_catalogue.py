"""Loads the player simulator's game catalogue into the recommendation service.

Reads `player-simulator --print-catalogue` lines on stdin (one per tenant, labelled with the
tenant ids of GM_TENANT / GM_TENANT_B, as the simulator labels the tenants it plays) and PUTs
each tenant's games to $GM_RECOMMENDATION_URL/v1/games in batches of at most 1000, with an
access token of that tenant's demo operator client (GM_CLIENT_ID/GM_CLIENT_SECRET, the _B set
for GM_TENANT_B) from the user service's /oauth/token. Loopback only: the URLs come from
.gm/demo.env. Prints one line per tenant; exits 1 if a tenant has no client or a request fails.
"""

import base64
import json
import os
import sys
import urllib.parse
import urllib.request

BATCH = 1000


def request(method, url, body, headers):
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=30) as answer:
        return json.load(answer)


def token(user_url, client_id, secret):
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    answer = request(
        "POST",
        f"{user_url}/oauth/token",
        urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
        {"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    return answer["access_token"]


def main():
    env = os.environ
    user_url = env["GM_USER_URL"].rstrip("/")
    recommendation_url = env["GM_RECOMMENDATION_URL"].rstrip("/")
    clients = {}
    for suffix in ("", "_B"):
        tenant = env.get(f"GM_TENANT{suffix}")
        if tenant and env.get(f"GM_CLIENT_ID{suffix}") and env.get(f"GM_CLIENT_SECRET{suffix}"):
            clients[tenant] = (env[f"GM_CLIENT_ID{suffix}"], env[f"GM_CLIENT_SECRET{suffix}"])
    failed = False
    for line in sys.stdin:
        if not line.strip():
            continue
        catalogue = json.loads(line)
        tenant = catalogue["tenant_id"]
        if tenant not in clients:
            print(f"{tenant}: no GM_CLIENT_ID/GM_CLIENT_SECRET for this tenant in the environment", file=sys.stderr)
            failed = True
            continue
        try:
            bearer = token(user_url, *clients[tenant])
            saved = 0
            games = catalogue["games"]
            for start in range(0, len(games), BATCH):
                body = json.dumps({"games": games[start : start + BATCH]}).encode()
                answer = request(
                    "PUT",
                    f"{recommendation_url}/v1/games",
                    body,
                    {"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"},
                )
                saved += answer["saved"]
            print(f"{tenant}: {saved} games loaded into the recommendation service's catalogue")
        except (OSError, KeyError, ValueError) as error:
            detail = error.read().decode(errors="replace")[:300] if hasattr(error, "read") else ""
            print(f"{tenant}: catalogue not loaded: {error} {detail}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

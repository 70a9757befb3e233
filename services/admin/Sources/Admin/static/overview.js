// The live overview: the numbers the server rendered, kept current by the live deltas (/live,
// Server-Sent Events relayed from analytics-api) and re-read every 15 s (/overview/summary.json),
// which also brings the figures deltas cannot carry (distinct players, top games).
"use strict";
(() => {
  let summary = Console.data("summary", "summary");
  if (!summary) return;
  const zone = summary.timeZone;
  const status = document.getElementById("live-status");
  const recent = []; // [arrival ms, events] of the last 60 s, for events per second
  let eventsSinceSummary = 0;
  const money = new Map(); // currency -> totals in minor units

  const eventsChart = Console.chart("events-chart", "line",
    summary.eventsPerMinute.map((p) => Console.minuteLabel(p.bucket, zone)),
    [{ label: "events per minute", data: summary.eventsPerMinute.map((p) => p.value), borderColor: Console.colours[0], backgroundColor: Console.colours[0], pointRadius: 0 }],
    { x: `time (${zone})`, y: "events per minute" });
  let buckets = summary.eventsPerMinute.map((p) => Date.parse(p.bucket));
  const moneyChart = Console.chart("money-chart", "bar", [], [
    { label: "deposits", data: [], backgroundColor: Console.colours[2] },
    { label: "withdrawals", data: [], backgroundColor: Console.colours[1] }], { x: "currency", y: "amount (major units)" });
  const gamesChart = Console.chart("games-chart", "bar", [], [
    { label: "players", data: [], backgroundColor: Console.colours[0] }], { x: "distinct players", y: "game", indexAxis: "y" });

  const set = (id, text) => { const element = document.getElementById(id); if (element) element.textContent = text; };

  function applySummary(next) {
    summary = next;
    eventsSinceSummary = 0;
    money.clear();
    for (const c of next.currencies) money.set(c.currency, { ...c });
    set("events-today", next.events == null ? "—" : Console.count(next.events));
    set("active-now", next.activeNow == null ? "—" : Console.count(next.activeNow));
    set("active-today", next.activeToday == null ? "—" : Console.count(next.activeToday));
    renderMoney();
    if (gamesChart) {
      gamesChart.data.labels = next.topGames.map((g) => g.gameId);
      gamesChart.data.datasets[0].data = next.topGames.map((g) => g.players);
      gamesChart.update();
    }
    const body = document.querySelector("#top-games tbody");
    if (body) {
      body.replaceChildren(...next.topGames.map((g) => {
        const row = document.createElement("tr");
        const name = document.createElement("th");
        name.scope = "row";
        name.textContent = g.gameId;
        const players = document.createElement("td");
        players.textContent = Console.count(g.players);
        const rounds = document.createElement("td");
        rounds.textContent = Console.count(g.rounds);
        row.append(name, players, rounds);
        return row;
      }));
    }
  }

  function renderMoney() {
    const body = document.querySelector("#currencies tbody");
    const currencies = [...money.keys()].sort();
    if (body) {
      body.replaceChildren(...currencies.map((currency) => {
        const totals = money.get(currency);
        const row = document.createElement("tr");
        row.dataset.currency = currency;
        const head = document.createElement("th");
        head.scope = "row";
        head.textContent = currency;
        row.append(head);
        for (const field of ["netGamingRevenue", "bets", "wins", "deposits", "withdrawals"]) {
          const cell = document.createElement("td");
          cell.dataset.field = field;
          cell.textContent = Console.amount(totals[field], currency);
          row.append(cell);
        }
        return row;
      }));
    }
    const empty = document.getElementById("no-currencies");
    if (empty) empty.hidden = currencies.length > 0;
    if (moneyChart) {
      moneyChart.data.labels = currencies;
      moneyChart.data.datasets[0].data = currencies.map((c) => Console.major(money.get(c).deposits, c));
      moneyChart.data.datasets[1].data = currencies.map((c) => Console.major(money.get(c).withdrawals, c));
      moneyChart.update();
    }
  }

  function applyDelta(update) {
    const now = Date.now();
    let events = 0;
    for (const delta of update.deltas) {
      events += delta.events;
      if (delta.currency) {
        const totals = money.get(delta.currency) || { currency: delta.currency, bets: 0, wins: 0, netGamingRevenue: 0, deposits: 0, withdrawals: 0 };
        if (delta.eventType === "bet_placed") totals.bets += delta.amountMinor;
        if (delta.eventType === "bet_settled") totals.wins += delta.amountMinor;
        if (delta.eventType === "deposit") totals.deposits += delta.amountMinor;
        if (delta.eventType === "withdrawal") totals.withdrawals += delta.amountMinor;
        totals.netGamingRevenue = totals.bets - totals.wins;
        money.set(delta.currency, totals);
      }
      const minute = Date.parse(delta.minute);
      if (eventsChart && !Number.isNaN(minute)) {
        let index = buckets.indexOf(minute);
        if (index < 0 && (buckets.length === 0 || minute > buckets[buckets.length - 1])) {
          buckets.push(minute);
          eventsChart.data.labels.push(Console.minuteLabel(new Date(minute).toISOString(), zone));
          eventsChart.data.datasets[0].data.push(0);
          if (buckets.length > 60) { buckets.shift(); eventsChart.data.labels.shift(); eventsChart.data.datasets[0].data.shift(); }
          index = buckets.length - 1;
        }
        if (index >= 0) eventsChart.data.datasets[0].data[index] += delta.events;
      }
    }
    recent.push([now, events]);
    eventsSinceSummary += events;
    if (summary.events != null) set("events-today", Console.count(summary.events + eventsSinceSummary));
    renderMoney();
    if (eventsChart) eventsChart.update();
  }

  // Over the last 60 s of live updates; while the page is younger than that, over its age.
  const opened = Date.now();
  function rate() {
    const now = Date.now();
    while (recent.length && recent[0][0] < now - 60000) recent.shift();
    const seconds = Math.min(60, Math.max(5, (now - opened) / 1000));
    set("events-per-second", Console.count(recent.reduce((sum, [, events]) => sum + events, 0) / seconds));
  }

  applySummary(summary);
  const source = new EventSource("/live");
  source.addEventListener("ready", () => { status.textContent = "Live: updates arrive as the platform stores events."; });
  source.addEventListener("delta", (event) => { try { applyDelta(JSON.parse(event.data)); } catch { /* one bad message */ } });
  source.addEventListener("error", () => {
    status.textContent = "Live updates interrupted; reconnecting…";
  });
  setInterval(rate, 1000);
  setInterval(async () => {
    try {
      const response = await fetch(`/overview/summary.json?tz=${encodeURIComponent(zone)}`, { credentials: "same-origin" });
      if (response.status === 401) { window.location.assign("/login?return_to=/overview"); return; }
      if (response.ok) applySummary(await response.json());
    } catch { /* the next round tries again */ }
  }, 15000);
})();

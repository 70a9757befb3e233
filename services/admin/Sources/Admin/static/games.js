// Games: the ranking's bar chart, or one game's daily charts, from the data the server rendered.
"use strict";
(() => {
  const ranking = document.getElementById("games-data");
  if (ranking) {
    const points = Console.data("games-data", "points") || [];
    const by = ranking.dataset.ranking;
    Console.chart("games-chart", "bar", points.map((p) => p.label),
      [{ label: by, data: points.map((p) => by === "revenue" ? Console.major(Number(p.value), ranking.dataset.currency) : Number(p.value)), backgroundColor: Console.colours[0] }],
      { x: by === "revenue" ? "net gaming revenue (major units)" : by, y: "game", indexAxis: "y" });
  }
  const series = Console.data("game-data", "series");
  if (series) {
    const labels = series.buckets.map((b) => new Intl.DateTimeFormat("en-CA", { timeZone: series.timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(b)));
    const line = (id, label, values, colour, axis) =>
      Console.chart(id, "line", labels, [{ label, data: values, borderColor: colour, backgroundColor: colour }], { x: `day (${series.timeZone})`, y: axis });
    line("game-players-chart", "players", series.players, Console.colours[0], "distinct players");
    line("game-rounds-chart", "rounds", series.rounds, Console.colours[2], "rounds");
    line("game-revenue-chart", "revenue", series.revenue.map((v) => Console.major(v, series.currency)), Console.colours[1], `net gaming revenue (${series.currency})`);
  }
})();

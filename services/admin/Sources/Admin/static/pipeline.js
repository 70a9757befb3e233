// Pipeline health: the ingestion-rate chart from the points the server rendered.
"use strict";
(() => {
  const points = Console.data("rate", "points") || [];
  Console.chart("rate-chart", "line", points.map((p) => Console.minuteLabel(p.bucket, "UTC")),
    [{ label: "events per minute", data: points.map((p) => p.value), borderColor: Console.colours[0], backgroundColor: Console.colours[0], pointRadius: 0 }],
    { x: "time (UTC)", y: "events per minute" });
})();

// Follows an erasure until it is no longer pending: every 2 s, the status of each service.
"use strict";
(() => {
  const status = document.getElementById("erasure-status");
  const requestId = document.getElementById("request-id").textContent;
  const follow = async () => {
    if (status.dataset.status !== "pending") return;
    try {
      const response = await fetch(`/erasures/${encodeURIComponent(requestId)}/status.json`, { credentials: "same-origin" });
      if (response.ok) {
        const erasure = await response.json();
        status.dataset.status = erasure.status;
        status.textContent = erasure.status;
        document.getElementById("erasure-completed").textContent = erasure.completedAt || "—";
        document.getElementById("erasure-total").textContent = erasure.totalMs == null ? "—" : `${Console.count(erasure.totalMs)} ms`;
        document.querySelector("#erasure-services tbody").replaceChildren(...erasure.services.map((part) => {
          const row = document.createElement("tr");
          row.dataset.service = part.service;
          const name = document.createElement("th");
          name.scope = "row";
          name.textContent = part.service;
          const state = document.createElement("td");
          state.textContent = part.status;
          const done = document.createElement("td");
          done.textContent = part.completedAt || "—";
          row.append(name, state, done);
          return row;
        }));
      }
    } catch { /* the next round tries again */ }
    setTimeout(follow, 2000);
  };
  setTimeout(follow, 2000);
})();

// Shared helpers of the console's pages: number formatting as the server does it, and charts.
"use strict";
const Console = (() => {
  const minorDigits = { BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, VND: 0,
    VUV: 0, XAF: 0, XOF: 0, XPF: 0, BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3 };
  const count = (value) => Math.round(value).toLocaleString("en-US");
  const major = (minor, currency) => minor / Math.pow(10, minorDigits[currency] ?? 2);
  const amount = (minor, currency) => {
    const digits = minorDigits[currency] ?? 2;
    return major(minor, currency).toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }) + " " + currency;
  };
  const minuteLabel = (iso, timeZone) =>
    new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone }).format(new Date(iso));
  const data = (id, attribute) => {
    const element = document.getElementById(id);
    try { return element ? JSON.parse(element.dataset[attribute]) : null; } catch { return null; }
  };
  // Chart.js with the page's colours and labelled axes; animations off so updates are instant.
  const chart = (id, type, labels, datasets, axes) => {
    const canvas = document.getElementById(id);
    if (!canvas || typeof Chart === "undefined") return null;
    return new Chart(canvas, {
      type, data: { labels, datasets },
      options: {
        animation: false, maintainAspectRatio: false, indexAxis: axes.indexAxis || "x",
        plugins: { legend: { display: datasets.length > 1, labels: { color: "#1f2933" } } },
        scales: {
          x: { title: { display: true, text: axes.x, color: "#1f2933" }, ticks: { color: "#1f2933" }, grid: { color: "#e2e7ee" } },
          y: { title: { display: true, text: axes.y, color: "#1f2933" }, ticks: { color: "#1f2933" }, grid: { color: "#e2e7ee" }, beginAtZero: true },
        },
      },
    });
  };
  return { count, major, amount, minuteLabel, data, chart, colours: ["#0b4f9c", "#c2410c", "#14532d", "#6b21a8", "#9b1c1c"] };
})();

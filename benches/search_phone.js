// Drives Debian's chromium through chromedriver's own HTTP protocol (no npm packages) for
// benches/search_phone.sh: a phone-sized page, the CPU slowed 4× and, with NETWORK=slow4g,
// a "slow 4G" network, through the DevTools protocol (chromedriver's /goog/cdp/execute),
// and for each query a
// fresh load of the search page with the browser cache off, the query typed into the
// search box and Enter pressed. Per query it reports the index files the page fetched (the
// Resource Timing API's transferSize and encodedBodySize, and each file's gzip size read
// from PUBLIC) and the time from the submit event to the first result on screen (the
// animation frame after the first result row is in the document; the files are counted once
// the whole first page of results is in).
//
//   node search_phone.js CHROMEDRIVER_URL SITE_URL PUBLIC QUERIES_FILE
//
// Prints one JSON object a line per query, then a summary line.
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");

const [driverUrl, siteUrl, publicDir, queriesFile] = process.argv.slice(2);
const CPU_SLOWDOWN = Number(process.env.CPU_SLOWDOWN || 4);
// Lighthouse's "slow 4G" (a mid-range phone's mobile network): 150 ms round trip,
// 1.6 Mbit/s down, 750 kbit/s up.
const SLOW_4G = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1024 * 1024) / 8,
  uploadThroughput: (750 * 1024) / 8,
};

async function call(method, route, body) {
  const response = await fetch(driverUrl + route, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) {
    throw new Error(`${method} ${route}: ${JSON.stringify(json).slice(0, 500)}`);
  }
  return json.value;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const gzipSizes = new Map();
function gzipSize(url) {
  const rel = decodeURIComponent(new URL(url).pathname).replace(/^\/+/, "");
  if (!gzipSizes.has(rel)) {
    gzipSizes.set(rel, zlib.gzipSync(fs.readFileSync(path.join(publicDir, rel)), { level: 6 }).length);
  }
  return gzipSizes.get(rel);
}

// In the page, before typing: note the submit time and watch for the first result row.
function watch() {
  const input = document.getElementById("search-query");
  const results = document.getElementById("search-results");
  const status = document.getElementById("search-status");
  const state = (window.__bench = { submitted: null, dom: null, frame: null, status: "", rows: 0, lastRow: null });
  input.form.addEventListener("submit", () => { state.submitted = performance.now(); }, { capture: true });
  const seen = () => {
    if (state.submitted === null) {
      return;
    }
    const rows = results.querySelectorAll("li.qitem").length;
    if (rows > state.rows) {
      state.rows = rows;
      state.lastRow = performance.now();
    }
    if (state.dom !== null) {
      return;
    }
    const first = results.querySelector("li.qitem");
    const none = /No questions match/.test(status.textContent);
    if (first || none) {
      state.dom = performance.now();
      state.status = status.textContent;
      requestAnimationFrame(() => { state.frame = performance.now(); });
    }
  };
  new MutationObserver(seen).observe(document.body, { childList: true, subtree: true, characterData: true });
}

// In the page, after Enter: wait for the frame, and for the rest of the page of results
// (the rows come in one by one; "Show more" is disabled until the last), then report.
function report(done) {
  const start = Date.now();
  (function poll() {
    const state = window.__bench;
    const loading = document.querySelector("#search-results .search-more[disabled]");
    if ((state.frame !== null && !loading) || Date.now() - start > 60000) {
      const files = performance.getEntriesByType("resource")
        .filter((e) => /\/search\/.+\.json/.test(e.name))
        .map((e) => ({ name: e.name, transfer: e.transferSize, encoded: e.encodedBodySize,
          start: e.startTime, end: e.responseEnd }));
      done({
        firstResultMs: state.frame === null ? null : state.frame - state.submitted,
        inDocumentMs: state.dom === null ? null : state.dom - state.submitted,
        pageMs: state.lastRow === null ? null : state.lastRow - state.submitted,
        status: state.status,
        rows: document.querySelectorAll("#search-results li.qitem").length,
        submitted: state.submitted,
        // Marks an instrumented copy of the script may leave (`performance.mark`).
        marks: performance.getEntriesByType("mark").map((m) => [m.name, Math.round(m.startTime - state.submitted)]),
        files,
      });
    } else {
      setTimeout(poll, 20);
    }
  })();
}

async function main() {
  const queries = fs.readFileSync(queriesFile, "utf8").split("\n").map((q) => q.trim())
    .filter((q) => q && !q.startsWith("#"));
  const session = await call("POST", "/session", {
    capabilities: {
      alwaysMatch: {
        browserName: "chrome",
        "goog:chromeOptions": {
          binary: process.env.CHROMIUM || "/usr/bin/chromium",
          args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--disable-extensions"],
        },
      },
    },
  });
  const id = session.sessionId;
  const cdp = (cmd, params) => call("POST", `/session/${id}/goog/cdp/execute`, { cmd, params });
  const script = (fn, args = []) => call("POST", `/session/${id}/execute/sync`, { script: `return (${fn}).apply(null, arguments)`, args });
  const asyncScript = (fn) => call("POST", `/session/${id}/execute/async`, { script: `(${fn})(arguments[arguments.length - 1])`, args: [] });
  const out = [];
  try {
    await call("POST", `/session/${id}/timeouts`, { script: 120000, pageLoad: 120000 });
    await cdp("Emulation.setDeviceMetricsOverride", { width: 412, height: 823, deviceScaleFactor: 1.75, mobile: true });
    await cdp("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
    await cdp("Network.enable", {});
    await cdp("Network.setCacheDisabled", { cacheDisabled: true });
    if (process.env.NETWORK === "slow4g") {
      await cdp("Network.emulateNetworkConditions", SLOW_4G);
    }
    for (const query of queries) {
      await call("POST", `/session/${id}/url`, { url: siteUrl + "search/" });
      await script(watch);
      const input = await call("POST", `/session/${id}/element`, { using: "css selector", value: "#search-query" });
      const element = input[Object.keys(input)[0]];
      await call("POST", `/session/${id}/element/${element}/value`, { text: query + "\uE007" });
      const result = await asyncScript(report);
      const files = result.files.map((f) => ({ ...f, gzip: gzipSize(f.name) }));
      // Where the time went, from the submit: the index files asked for after it (a few
      // may come later still, for a fuller count), and the rows. `rowsAskedMs` less
      // `indexMs` is script; `rowsMs` less `rowsAskedMs` the rows' round trip.
      const since = (t) => Math.round(t - result.submitted);
      const afterSubmit = files.filter((f) => f.start >= result.submitted);
      const rows = afterSubmit.filter((f) => /\/search\/docs\//.test(f.name));
      const firstRows = rows.length ? Math.min(...rows.map((f) => f.start)) : null;
      const index = afterSubmit.filter((f) => !/\/search\/docs\//.test(f.name) &&
        (firstRows === null || f.start < firstRows));
      const phases = {
        indexFiles: index.length,
        indexMs: index.length ? since(Math.max(...index.map((f) => f.end))) : null,
        rowsAskedMs: firstRows === null ? null : since(firstRows),
        rowsMs: rows.length ? since(Math.min(...rows.map((f) => f.end))) : null,
      };
      const line = {
        query,
        firstResultMs: result.firstResultMs === null ? null : Math.round(result.firstResultMs),
        inDocumentMs: result.inDocumentMs === null ? null : Math.round(result.inDocumentMs),
        // The last row of the first page in the document.
        pageMs: result.pageMs === null ? null : Math.round(result.pageMs),
        rows: result.rows,
        ...phases,
        ...(result.marks.length ? { marks: result.marks.map((m) => m.join(" ")).join(", ") } : {}),
        status: result.status,
        files: files.length,
        transferBytes: files.reduce((n, f) => n + f.transfer, 0),
        bodyBytes: files.reduce((n, f) => n + f.encoded, 0),
        gzipBytes: files.reduce((n, f) => n + f.gzip, 0),
        largest: files.reduce((a, f) => (f.encoded > a.encoded ? f : a), { name: "", encoded: 0 }).name
          .replace(siteUrl, "/").replace(/\?.*/, ""),
      };
      out.push(line);
      console.log(JSON.stringify(line));
    }
  } finally {
    await call("DELETE", `/session/${id}`).catch(() => {});
  }
  const times = out.map((l) => l.firstResultMs).filter((t) => t !== null);
  const bytes = out.map((l) => l.bodyBytes);
  console.log(JSON.stringify({
    summary: true,
    network: process.env.NETWORK === "slow4g" ? "slow 4G" : "local",
    queries: out.length,
    unanswered: out.length - times.length,
    medianFirstResultMs: Math.round(median(times)),
    p95FirstResultMs: Math.round(percentile(times, 95)),
    medianPageMs: Math.round(median(out.map((l) => l.pageMs).filter((t) => t !== null))),
    maxFirstResultMs: Math.max(...times),
    medianBodyBytes: Math.round(median(bytes)),
    maxBodyBytes: Math.max(...bytes),
    maxTransferBytes: Math.max(...out.map((l) => l.transferBytes)),
    medianGzipBytes: Math.round(median(out.map((l) => l.gzipBytes))),
    maxGzipBytes: Math.max(...out.map((l) => l.gzipBytes)),
  }));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});

// Drives headless Chromium (through chromedriver and selenium-webdriver from .ci/node_modules)
// for tests/browser.rs: runs axe-core on a page in a given colour scheme, or measures where
// elements of a page sit at a given viewport. Reads one JSON job list on argv[2], prints one
// JSON result per job on stdout, in order.
//
//   {"kind": "axe", "url": "...", "scheme": "light" | "dark"}
//     -> {"violations": [{"id", "impact", "help", "targets": [...]}]}
//   {"kind": "layout", "url": "...", "width": 390, "height": 844, "selectors": ["...", ...]}
//     -> {"boxes": {"<selector>": {"top", "bottom", "left", "right"} | null}}   (page coordinates)
"use strict";
const path = require("path");
const fs = require("fs");
const modules = process.env.EVIDENT_NODE_MODULES;
const { Builder } = require(path.join(modules, "selenium-webdriver"));
const chrome = require(path.join(modules, "selenium-webdriver/chrome"));
const axeSource = fs.readFileSync(path.join(modules, "axe-core/axe.min.js"), "utf8");

async function main() {
  const jobs = JSON.parse(process.argv[2]);
  const options = new chrome.Options()
    .setChromeBinaryPath(process.env.EVIDENT_CHROMIUM)
    .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--no-first-run", "--hide-scrollbars");
  const service = new chrome.ServiceBuilder(process.env.EVIDENT_CHROMEDRIVER);
  const driver = await new Builder().forBrowser("chrome").setChromeOptions(options)
    .setChromeService(service).build();
  const results = [];
  try {
    for (const job of jobs) {
      const width = job.width || 1280;
      const height = job.height || 900;
      await driver.sendDevToolsCommand("Emulation.setDeviceMetricsOverride", {
        width, height, deviceScaleFactor: 1, mobile: width < 600,
      });
      await driver.sendDevToolsCommand("Emulation.setEmulatedMedia", {
        features: [{ name: "prefers-color-scheme", value: job.scheme || "light" }],
      });
      await driver.get(job.url);
      await driver.wait(async () => (await driver.executeScript("return document.readyState")) === "complete", 20000);
      if (job.kind === "axe") {
        await driver.executeScript(axeSource);
        const violations = await driver.executeAsyncScript(function (done) {
          window.axe.run(document, { resultTypes: ["violations"] }).then(
            (r) => done(r.violations.map((v) => ({
              id: v.id, impact: v.impact, help: v.help,
              targets: v.nodes.map((n) => JSON.stringify(n.target)),
            }))),
            (e) => done([{ id: "axe-failed", impact: "critical", help: String(e), targets: [] }]));
        });
        results.push({ violations });
      } else if (job.kind === "layout") {
        const boxes = await driver.executeScript(function (selectors) {
          const out = {};
          for (const s of selectors) {
            const el = document.querySelector(s);
            if (!el) { out[s] = null; continue; }
            const r = el.getBoundingClientRect();
            out[s] = { top: r.top + window.scrollY, bottom: r.bottom + window.scrollY,
              left: r.left + window.scrollX, right: r.right + window.scrollX };
          }
          return out;
        }, job.selectors);
        results.push({ boxes, viewport: await driver.executeScript("return [window.innerWidth, window.innerHeight]") });
      } else {
        throw new Error("unknown job kind " + job.kind);
      }
    }
  } finally {
    await driver.quit();
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});

// Renders CSL-JSON items with citeproc-js, the CSL processor inside Zotero and Mendeley, as
// the oracle for Evident's reference formatting (tests/ama_oracle.rs runs it).
//
// Usage: node .ci/citation-oracle.js STYLE.csl LOCALE.xml ITEMS.json [CITATIONS.json]
// Prints {"<id>": "<the bibliography entry's HTML>", …} in the items' order; given
// CITATIONS.json, a list of [{"id", "locator", "label"}] (one cited item each, as Pandoc
// passes a locator to citeproc), prints the list of their in-text markers' HTML instead.
"use strict";
const fs = require("fs");
const path = require("path");
const CSL = require(path.join(__dirname, "node_modules", "citeproc"));

const [stylePath, localePath, itemsPath, citationsPath] = process.argv.slice(2);
if (!itemsPath) {
  console.error("usage: node citation-oracle.js STYLE.csl LOCALE.xml ITEMS.json");
  process.exit(2);
}
const style = fs.readFileSync(stylePath, "utf8");
const locale = fs.readFileSync(localePath, "utf8");
const items = JSON.parse(fs.readFileSync(itemsPath, "utf8"));
const byId = new Map(items.map((item) => [item.id, item]));

const sys = {
  retrieveLocale: () => locale,
  retrieveItem: (id) => byId.get(id),
};
const engine = new CSL.Engine(sys, style, "en-US", true);
engine.setOutputFormat("html");
if (citationsPath) {
  const citations = JSON.parse(fs.readFileSync(citationsPath, "utf8"));
  const markers = citations.map((cite) => {
    // Each marker on its own: the cited item is reference 1, as in a fresh article.
    engine.updateItems([cite.id]);
    return engine.makeCitationCluster([cite]);
  });
  process.stdout.write(JSON.stringify(markers, null, 1) + "\n");
  process.exit(0);
}
const rendered = {};
// One item per bibliography, so that nothing depends on the other entries (no
// "ibid." or disambiguation across the corpus); Evident formats each alone too.
for (const item of items) {
  engine.updateItems([item.id]);
  const [, entries] = engine.makeBibliography();
  rendered[item.id] = entries.join("").trim();
}
process.stdout.write(JSON.stringify(rendered, null, 1) + "\n");

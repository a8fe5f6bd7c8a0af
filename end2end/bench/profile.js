// Sums a CPU profile (a .cpuprofile that `BENCH_PROFILE=DIR node bench/pages.js` writes, from
// Chrome DevTools Protocol's Profiler) by function: self time (the samples in the function
// itself) and inclusive time (the samples with the function anywhere on the stack, counted once
// per sample however deep it recurses). A site built with `SITE_KEEP_NAMES=1` names the Rust
// functions.
//
//   node bench/profile.js DIR/Dashboard.cpuprofile [TOP] [FILTER]
//
// TOP: how many functions each list shows (40 by default). FILTER: a regular expression; only
// the functions whose name matches it are listed (both lists), e.g. "shared::|app::".
import { readFileSync } from "node:fs";

const [file, top = "40", filter] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/profile.js FILE.cpuprofile [TOP] [FILTER]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const nameOf = (node) => node.callFrame.functionName || `(${node.callFrame.url.split("/").pop() || "anonymous"})`;

const self = new Map();
const inclusive = new Map();
let busy = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const ms = (profile.timeDeltas[i] || 0) / 1000;
  const leaf = byId.get(profile.samples[i]);
  const leafName = nameOf(leaf);
  if (leafName === "(idle)" || leafName === "(program)") continue;
  busy += ms;
  self.set(leafName, (self.get(leafName) || 0) + ms);
  const seen = new Set();
  for (let id = leaf.id; id !== undefined; id = parent.get(id)) {
    const name = nameOf(byId.get(id));
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) || 0) + ms);
  }
}
const wanted = filter ? new RegExp(filter) : null;
const list = (map, title) => {
  console.log(`${title}:`);
  const rows = [...map].filter(([name]) => !wanted || wanted.test(name)).sort((a, b) => b[1] - a[1]).slice(0, Number(top));
  for (const [name, ms] of rows) console.log(`  ${ms.toFixed(1).padStart(8)} ms  ${name.slice(0, 160)}`);
};
console.log(`${file}: ${busy.toFixed(1)} ms busy (not idle, not "(program)")`);
list(self, "self time");
list(inclusive, "inclusive time");

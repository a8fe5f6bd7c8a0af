// The board's heavy pages in the browser on the generated 1,000-project / 300-person board
// (shared/tests/support/large_board.rs, written as a backup by `cargo run -p shared --example
// large_board`): the review page's render, the XLSX export of every table and the preview of a
// CSV import of 1,000 projects, each timed in headless Chromium with the site as built (make
// bench builds it in release). Prints figures; never fails on a slow machine.
//
//   LARGE_BOARD=../target/large-board.automerge node bench/large-board.js
//
// Issue 15's targets: the review renders within 1 s, the export within 2 s, the preview
// within 1 s. The board is opened first (received and stored in IndexedDB), and each page is
// then reached from the board's navigation, as a member would, so each figure is the page's
// own work and not the board's download.
import { readFileSync } from "node:fs";
import { chromium } from "@playwright/test";
import { TestServer } from "../tests/server.js";

const backup = readFileSync(process.env.LARGE_BOARD || "../target/large-board.automerge");
const server = await TestServer.start();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run"],
});

/** Milliseconds from `start()` until `done()` resolves. */
async function timed(start, done) {
  const started = performance.now();
  await start();
  await done();
  return performance.now() - started;
}

try {
  const owner = await server.signUp("bench@example.com", "Bench");
  // Restored from the backup, like "Restore a backup" on the board list.
  const response = await fetch(`${server.url}/api/boards/restore`, {
    method: "POST",
    headers: {
      cookie: [...owner.jar].map(([name, value]) => `${name}=${value}`).join("; "),
      "x-csrf-token": owner.jar.get("pmo_csrf"),
      "content-type": "application/octet-stream",
    },
    body: backup,
  });
  if (response.status !== 201) throw new Error(`restore: ${response.status} ${await response.text()}`);
  const board = await response.json();
  const id = board.id.replace(/^automerge:/, "");

  const context = await browser.newContext({ locale: "en-US", acceptDownloads: true });
  await context.addCookies(server.cookies(owner));
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const rows = [];
  const opened = await timed(
    () => page.goto(`${server.url}/board/${id}`),
    () => page.locator('[data-testid="project-row"]').nth(999).waitFor({ timeout: 300_000 }),
  );
  rows.push(["open the board (download, store, priorities page)", opened]);

  const nav = (name) => page.getByRole("link", { name, exact: true });
  rows.push(["review page: every section but the selection", await timed(
    () => nav("Review").click(),
    () => page.getByTestId("report-decisions").waitFor({ timeout: 300_000 }),
  )]);
  rows.push(["review page: the selection solved", await timed(
    async () => {},
    () => page.getByTestId("report-selection").waitFor({ timeout: 300_000 }),
  )]);

  await nav("Export & import").click();
  await page.getByTestId("export-xlsx").waitFor();
  let bytes = 0;
  rows.push(["XLSX export of every table (click to download)", await timed(
    () => page.getByTestId("export-xlsx").click(),
    async () => {
      const download = await page.waitForEvent("download", { timeout: 300_000 });
      bytes = readFileSync(await download.path()).length;
    },
  )]);

  const lines = ["Name,Stage,Budget"];
  for (let i = 0; i < 1000; i++) lines.push(`Imported ${i},proposed,${100000 + i}`);
  rows.push(["CSV import of 1,000 projects: file chosen to preview shown", await timed(
    () => page.getByTestId("import-file").setInputFiles({
      name: "projects.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\n")),
    }),
    () => page.getByTestId("import-preview").waitFor({ timeout: 300_000 }),
  )]);

  console.log("| in headless Chromium, 1,000 projects / 300 people | time |");
  console.log("|---|---:|");
  for (const [name, ms] of rows) console.log(`| ${name} | ${(ms / 1000).toFixed(2)} s |`);
  console.log(`\nThe workbook: ${(bytes / 1024).toFixed(0)} KiB.`);
  await context.close();
} finally {
  await browser.close();
  await server.stop();
}

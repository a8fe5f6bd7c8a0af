// The other long tables of a large board (issues 10 and 11): Finance's table, Scoring's ranking
// and Selection's candidates draw, like the priorities (long-priorities.spec.js), a window of
// their rows around what is in view once a board has more than 300 projects
// (app/src/components/row_window.rs), and every row is still reached by scrolling. The risk
// register and the risks' exposure use the same window.
import { test, expect } from "./fixtures.js";
import { TestServer } from "./server.js";
import { ownBoard } from "./board-page.js";

let server;
test.beforeEach(async () => {
  server = await TestServer.start();
});
test.afterEach(async () => {
  await server.close();
});

// More than row_window::WHOLE_UP_TO (300), so the tables are windowed.
const PROJECTS = 400;
const name = (rank) => `Project ${String(rank).padStart(3, "0")}`;

/** The project ids of the rows `testid` drawn anywhere on the page while scrolling it from top to bottom. */
async function idsByScrolling(page, testid) {
  const seen = new Set();
  await page.evaluate(() => window.scrollTo(0, 0));
  for (;;) {
    // The window follows the scroll within a frame or two.
    await page.waitForTimeout(100);
    for (const id of await page.getByTestId(testid).evaluateAll((rows) => rows.map((row) => row.dataset.projectId))) seen.add(id);
    const atEnd = await page.evaluate(() => {
      const before = window.scrollY;
      window.scrollBy(0, window.innerHeight / 2);
      return window.scrollY === before;
    });
    if (atEnd) break;
  }
  return seen;
}

test("Finance, the scoring ranking and the selection's candidates draw a window of a long board's rows, each reached by scrolling", async ({ page }) => {
  test.setTimeout(180_000);
  await ownBoard(page, server, "Large portfolio");
  const lines = ["Project,Stage,Budget"];
  for (let rank = 1; rank <= PROJECTS; rank++) lines.push(`${name(rank)},proposed,${1000 * rank}`);
  const nav = page.getByRole("navigation", { name: "Board pages" });
  await nav.getByRole("link", { name: /^Export & import/ }).click();
  await page.getByTestId("import-file").setInputFiles({ name: "projects.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\n")) });
  await page.getByTestId("import-confirm").click();
  await expect(page.getByTestId("import-done")).toContainText(`Imported ${PROJECTS} projects`);

  for (const [link, testid] of [[/^Finance/, "finance-row"], [/^Scoring/, "ranked-row"], [/^Selection/, "candidate-row"]]) {
    await nav.getByRole("link", { name: link }).click();
    const rows = page.getByTestId(testid);
    await expect(rows.first()).toBeVisible();
    // Only a window of the rows is in the document…
    await expect.poll(() => rows.count()).toBeLessThan(80);
    expect(await rows.count()).toBeGreaterThan(5);
    // …and scrolling reaches every one of them.
    const seen = await idsByScrolling(page, testid);
    expect(seen.size, `${testid} rows seen while scrolling`).toBe(PROJECTS);
  }
  // Selection says how many candidates there are, drawn or not.
  await expect(page.getByTestId("candidates")).toHaveAttribute("data-count", String(PROJECTS));
});

// The priorities of a large board (issues 10 and 14): more rows than a screen holds are drawn as
// a window around what is in view (app/src/components/row_window.rs), with gaps keeping the
// page's height, and every way of working with the rows still works: scrolling, keyboard
// reordering with the focus kept on the moved row (even once it is scrolled out of the window),
// dragging, and the order shown is the board's.
import { test, expect } from "./fixtures.js";
import { TestServer } from "./server.js";
import { ownBoard, projectRow } from "./board-page.js";

let server;
test.beforeEach(async () => {
  server = await TestServer.start();
});
test.afterEach(async () => {
  await server.close();
});

// More than row_window::WHOLE_UP_TO (300), so the list is windowed.
const PROJECTS = 400;
const name = (rank) => `Project ${String(rank).padStart(3, "0")}`;

/** The rows drawn now: rank and name of each, in document order. */
function drawnRows(page) {
  return page.locator("[data-testid=project-row]").evaluateAll((rows) =>
    rows.map((row) => ({ rank: Number(row.querySelector(".rank").textContent), name: row.querySelector(".project-name").value })));
}

/** Every row's name by rank, read by scrolling the page from top to bottom. */
async function namesByScrolling(page) {
  const seen = new Map();
  await page.evaluate(() => window.scrollTo(0, 0));
  for (;;) {
    // The window follows the scroll within a frame or two.
    await page.waitForTimeout(100);
    for (const { rank, name } of await drawnRows(page)) seen.set(rank, name);
    const atEnd = await page.evaluate(() => {
      const before = window.scrollY;
      window.scrollBy(0, window.innerHeight / 2);
      return window.scrollY === before;
    });
    if (atEnd) break;
  }
  return [...seen.entries()].sort(([a], [b]) => a - b).map(([, name]) => name);
}

test("a long priorities list draws a window of rows, follows the scroll, and reorders by keyboard and drag", async ({ page }) => {
  test.setTimeout(180_000);
  await ownBoard(page, server, "Large portfolio");
  // 400 projects imported as one change, in this order.
  const lines = ["Project,Stage,Budget"];
  for (let rank = 1; rank <= PROJECTS; rank++) lines.push(`${name(rank)},proposed,${1000 * rank}`);
  await page.getByRole("navigation", { name: "Board pages" }).getByRole("link", { name: /^Export & import/ }).click();
  await page.getByTestId("import-file").setInputFiles({ name: "projects.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\n")) });
  await expect(page.getByTestId("import-summary")).toContainText(`Projects: ${PROJECTS} to add`);
  await page.getByTestId("import-confirm").click();
  await expect(page.getByTestId("import-done")).toContainText(`Imported ${PROJECTS} projects`);
  await page.getByRole("navigation", { name: "Board pages" }).getByRole("link", { name: /^Priorities/ }).click();

  // Only a window of rows is in the document, from the first; the rest are gaps as tall as
  // their rows, so the page is as long as the whole list.
  await expect(projectRow(page, name(1))).toBeVisible();
  const rows = page.getByTestId("project-row");
  await expect.poll(() => rows.count()).toBeLessThan(80);
  expect(await rows.count()).toBeGreaterThan(10);
  expect((await drawnRows(page))[0]).toEqual({ rank: 1, name: name(1) });
  const rowHeight = await rows.first().evaluate((row) => row.getBoundingClientRect().height);
  const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
  expect(pageHeight).toBeGreaterThan(PROJECTS * rowHeight * 0.9);
  await expect(page.getByTestId("budget-total")).toContainText(((1000 * PROJECTS * (PROJECTS + 1)) / 2).toLocaleString("en-US"));

  // Scrolling to the end brings the last rows, and still only a window.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect(projectRow(page, name(PROJECTS))).toBeVisible();
  await expect(projectRow(page, name(PROJECTS)).locator(".rank")).toHaveText(String(PROJECTS));
  await expect(projectRow(page, name(1))).toHaveCount(0);
  expect(await rows.count()).toBeLessThan(80);

  // The order shown, row by row while scrolling, is the board's.
  const expected = Array.from({ length: PROJECTS }, (_, at) => name(at + 1));
  expect(await namesByScrolling(page)).toEqual(expected);

  // Keyboard: a row in the middle moved up three places keeps the focus on its button.
  const moveUp = () => projectRow(page, name(200)).getByRole("button", { name: "Move up" });
  await page.evaluate(({ rank, rowHeight }) => {
    const body = document.querySelector(".priorities tbody");
    window.scrollTo(0, body.getBoundingClientRect().top + window.scrollY + (rank - 1) * rowHeight - window.innerHeight / 2);
  }, { rank: 200, rowHeight });
  await expect(moveUp()).toBeInViewport();
  await moveUp().focus();
  for (const rank of [199, 198, 197]) {
    await page.keyboard.press("Enter");
    await expect(projectRow(page, name(200)).locator(".rank")).toHaveText(String(rank));
    await expect(moveUp()).toBeFocused();
  }
  // Scrolled far away, the focused row stays in the document, moves again, and keeps the focus.
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(projectRow(page, name(1))).toBeVisible();
  await expect(moveUp()).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(projectRow(page, name(200)).locator(".rank")).toHaveText("196");
  await expect(moveUp()).toBeFocused();

  // Dragging a row onto another near the top.
  await page.evaluate(() => window.scrollTo(0, 0));
  await projectRow(page, name(3)).locator(".handle").dragTo(projectRow(page, name(1)).locator(".handle"));
  await expect(projectRow(page, name(3)).locator(".rank")).toHaveText("1");

  // The whole order again, as the board now has it.
  expected.splice(199, 1);
  expected.splice(195, 0, name(200));
  expected.splice(2, 1);
  expected.unshift(name(3));
  expect(await namesByScrolling(page)).toEqual(expected);
});

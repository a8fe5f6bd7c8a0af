// Exports, import, the printable portfolio review and backups (issue 15), in a real Chromium
// against a real server: the workbook and CSV are built and downloaded in the browser, an
// import is previewed row by row and written only when confirmed, the review prints to PDF
// with every section, and a backup becomes a new board.
import { readFileSync } from "node:fs";
import { test, expect } from "./fixtures.js";
import { TestServer } from "./server.js";
import { openBoard, projectNames } from "./board-page.js";
import { seedPortfolio } from "./decisions-seed.js";

let server;
const contexts = [];
test.beforeEach(async () => {
  server = await TestServer.start();
});
test.afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
  await server.close();
});

/** Alice's seeded portfolio, open on `pageName` in a browser profile of her own. */
async function seeded(browser, path) {
  const alice = await server.signUp("alice@example.com", "Alice");
  const board = await server.createBoard(alice, "2027 portfolio");
  await seedPortfolio(server, alice, board);
  const page = await server.pageAs(browser, alice);
  contexts.push(page.context());
  await page.setViewportSize({ width: 1280, height: 900 });
  await openBoard(page, server, board);
  await expect.poll(() => projectNames(page)).toContain("ERP upgrade");
  await page.goto(`${server.url}/board/${board.documentId}/${path}`);
  return { alice, board, page };
}

const SECTIONS = [
  "KPIs and portfolio map",
  "Ranking by weighted score",
  "Selection and efficient frontier",
  "Over-allocated people",
  "Red projects and their earned value",
  "Top risks and the heat map",
  "Decisions since the baseline",
];

test("the portfolio review prints to PDF with every section, the date and the version", async ({ browser }) => {
  const { page } = await seeded(browser, "report");
  for (const heading of SECTIONS) {
    await expect(page.getByRole("heading", { level: 2, name: heading })).toBeVisible();
  }
  // The selection is solved on the page, with its progress shown, then summed up.
  await expect(page.getByTestId("report-selection")).toContainText("projects, value", { timeout: 30_000 });
  // The ranking counts from 1, as the scoring page does.
  await expect(page.getByTestId("report-ranking").locator("tbody tr").first().locator("td").first()).toHaveText("1");
  // ERP upgrade: CPI 0.89 and SPI 0.8 make its computed RAG red.
  await expect(page.getByTestId("report-red")).toContainText("ERP upgrade");
  const today = new Date();
  // The date as shared::format writes it in English: "28 Nov 2026".
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][today.getMonth()];
  const day = `${today.getDate()} ${month} ${today.getFullYear()}`;
  await expect(page.getByTestId("report-meta")).toContainText(day);
  await expect(page.getByTestId("report-meta").locator("code")).toHaveText(/^[0-9a-f]{8}/);

  // In print: no navigation, the running line with the date and version on every page.
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("navigation", { name: "Board pages" })).toBeHidden();
  await expect(page.locator(".topbar")).toBeHidden();
  await expect(page.locator(".report-running")).toBeVisible();
  await expect(page.locator(".report-running")).toContainText(day);
  const pdf = await page.pdf({ format: "A4", printBackground: true });
  expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  // Each section starts a page: a cover and seven sections make at least eight pages.
  const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
  expect(pages).toBeGreaterThanOrEqual(SECTIONS.length + 1);
  await page.emulateMedia({ media: "screen" });
});

test("exports download from the browser; an import is previewed, refused row by row, and written once", async ({ browser }) => {
  const { page } = await seeded(browser, "data");
  const [workbook] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-xlsx").click()]);
  expect(workbook.suggestedFilename()).toMatch(/^2027 portfolio \d{4}-\d{2}-\d{2}\.xlsx$/);
  expect(readFileSync(await workbook.path()).subarray(0, 2).toString()).toBe("PK");
  await expect(page.getByTestId("export-done")).toContainText("Saved");
  const [csv] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv-projects").click()]);
  const text = readFileSync(await csv.path(), "utf8");
  expect(text.charCodeAt(0)).toBe(0xfeff);
  expect(text).toContain("ERP upgrade,active");

  // A file with bad rows: every one refused with its reason, nothing importable.
  const file = page.getByTestId("import-file");
  await file.setInputFiles({
    name: "bookings.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("Project,Person,Week,Hours\nERP upgrade,Nobody,2027-W05,8\nERP upgrade,Li Wei,2027-W99,8\nERP upgrade,Li Wei,2027-W05,-3\n"),
  });
  const refused = page.getByTestId("refused-row");
  await expect(refused).toHaveCount(3);
  await expect(refused.nth(0)).toContainText("there is no person named “Nobody”");
  await expect(refused.nth(1)).toContainText("is not a week");
  await expect(refused.nth(2)).toContainText("hours cannot be negative");
  await expect(page.getByTestId("import-confirm")).toBeDisabled();
  await page.getByTestId("import-cancel").click();
  await expect(page.getByTestId("import-preview")).toHaveCount(0);

  // A good file: previewed, then written when confirmed (from the keyboard).
  const projects = Buffer.from("\ufeffProject,Stage,Budget\nERP upgrade,active,\"420,000\"\nNew warehouse,proposed,90000\n");
  await file.setInputFiles({ name: "projects.csv", mimeType: "text/csv", buffer: projects });
  await expect(page.getByTestId("import-summary")).toContainText("Projects: 1 to add, 1 to update");
  await expect(page.getByTestId("planned-row").filter({ hasText: "ERP upgrade" })).toContainText("Budget: 400,000 → 420,000");
  await page.getByTestId("import-confirm").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("import-done")).toContainText("Imported 2 projects, 0 people and 0 bookings as one change");
  // The same file again changes nothing.
  await file.setInputFiles({ name: "projects.csv", mimeType: "text/csv", buffer: projects });
  await expect(page.getByTestId("import-summary")).toContainText("2 rows already match the board");
  await expect(page.getByTestId("import-confirm")).toHaveText("Nothing to import");
  await expect(page.getByTestId("import-confirm")).toBeDisabled();
  await page.getByRole("link", { name: /^Priorities/ }).click();
  await expect.poll(() => projectNames(page)).toContain("New warehouse");
});

test("a backup downloaded from a board is restored as a new board its uploader owns", async ({ browser }) => {
  const { page } = await seeded(browser, "data");
  const [backup] = await Promise.all([page.waitForEvent("download"), page.getByTestId("backup").click()]);
  expect(backup.suggestedFilename()).toMatch(/\.automerge$/);
  const bytes = readFileSync(await backup.path());

  const carl = await server.signUp("carl@example.com", "Carl");
  const other = await server.pageAs(browser, carl);
  contexts.push(other.context());
  await other.goto(server.url);
  // A damaged file is refused with the server's reason, and nothing is created.
  const damaged = Buffer.from(bytes);
  damaged[Math.floor(damaged.length / 2)] ^= 0x55;
  await other.getByTestId("restore-file").setInputFiles({ name: "damaged.automerge", mimeType: "application/octet-stream", buffer: damaged });
  await expect(other.getByTestId("restore-error")).toContainText("damaged or changed after it was saved");
  await other.getByTestId("restore-file").setInputFiles({ name: "backup.automerge", mimeType: "application/octet-stream", buffer: bytes });
  await expect(other.getByTestId("board-name")).toHaveText("2027 portfolio", { timeout: 30_000 });
  await expect.poll(() => projectNames(other)).toContain("ERP upgrade");
  await expect(other.getByTestId("view-only")).toHaveCount(0);
});

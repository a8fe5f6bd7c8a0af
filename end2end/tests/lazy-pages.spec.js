// The app is split: a first load fetches the main module and the page it opens; every other
// page's code comes when that page is first opened, and the service worker keeps all of it, so
// that a page never opened online still opens offline.
import { readFileSync } from "node:fs";
import { test, expect } from "./fixtures.js";
import { TestServer } from "./server.js";
import { addProject, badge, expectAllSaved, openBoard } from "./board-page.js";
import { seedPortfolio } from "./decisions-seed.js";

const catalogue = (namespace) =>
  JSON.parse(readFileSync(new URL(`../../app/locales/en/${namespace}.json`, import.meta.url), "utf8"));

/** Each page of a board, by its path, and a heading only that page shows. */
const PAGES = [
  ["dashboard", catalogue("dashboard").title],
  ["strategy", catalogue("strategy").objectives],
  ["scoring", catalogue("scoring").criteria],
  ["selection", catalogue("selection").title],
  ["settings", catalogue("settings").title],
  ["risks", catalogue("risks").title],
  ["resources", catalogue("resources").title],
  ["finance", catalogue("finance").title],
  ["lessons", catalogue("lessons").title],
  ["history", catalogue("history").title],
  ["decisions", catalogue("decisions").title],
  ["baselines", catalogue("timetravel").baselines_title],
  ["scenarios", catalogue("scenarios").title],
  ["data", catalogue("data").export],
  ["report", catalogue("report").title],
];

let server;
test.beforeEach(async () => {
  server = await TestServer.start();
});
test.afterEach(async () => {
  await server.close();
});

test("a board's first load fetches the frame and its page, not every page", async ({ browser }) => {
  const alice = await server.signUp("alice@example.com", "Alice");
  const board = await server.createBoard(alice, "Split");
  const page = await server.pageAs(browser, alice);
  const fetched = new Set();
  page.on("requestfinished", (request) => {
    const path = new URL(request.url()).pathname;
    if (path.endsWith(".wasm")) fetched.add(path);
  });
  await openBoard(page, server, board);
  await addProject(page, "ERP");
  await expectAllSaved(page);

  const sw = await (await page.request.get(`${server.url}/sw.js`)).text();
  const chunks = JSON.parse(sw.match(/^const CHUNKS = (\[.*\]);$/m)[1]).filter((path) => path.endsWith(".wasm"));
  expect(chunks.length).toBeGreaterThan(PAGES.length / 2);
  expect(fetched).toContain("/pkg/pmo-board.wasm");
  // The overview's chunk came with it; the selection page's solver and the data page's XLSX
  // code did not.
  const notFetched = chunks.filter((chunk) => !fetched.has(chunk));
  expect(notFetched.length).toBeGreaterThan(chunks.length / 2);

  // Opening another page fetches its chunk then.
  const before = fetched.size;
  await page.getByRole("navigation", { name: "Board pages" }).getByRole("link", { name: /^Selection/ }).click();
  await expect(page.getByRole("heading", { name: catalogue("selection").title })).toBeVisible();
  expect(fetched.size).toBeGreaterThan(before);
});

test("a device opening a board for the first time downloads it whole, then syncs only what is newer", async ({ browser }) => {
  const alice = await server.signUp("alice@example.com", "Alice");
  const board = await server.createBoard(alice, "Portfolio");
  await seedPortfolio(server, alice, board);
  const page = await server.pageAs(browser, alice);
  const downloads = [];
  page.on("requestfinished", (request) => {
    if (new URL(request.url()).pathname.endsWith("/document")) downloads.push(request.url());
  });
  // What the sync connections bring: with the board downloaded, no change of it.
  let synced = 0;
  page.on("websocket", (socket) => socket.on("framereceived", ({ payload }) => (synced += payload.length)));
  await openBoard(page, server, board);
  await expect(page.getByTestId("project-row")).toHaveCount(5);
  await expectAllSaved(page);
  const whole = (await (await page.request.get(`${server.url}/api/boards/${board.documentId}/document`)).body()).length;
  expect(downloads).toHaveLength(1);
  expect(synced).toBeLessThan(whole / 2);

  // Opened again, the board comes from the device: no download.
  await page.reload();
  await expect(page.getByTestId("project-row")).toHaveCount(5);
  await expectAllSaved(page);
  expect(downloads).toHaveLength(1);
});

test("every page of a board opens offline, even one never opened online", async ({ browser }) => {
  const alice = await server.signUp("alice@example.com", "Alice");
  const board = await server.createBoard(alice, "On the road");
  const page = await server.pageAs(browser, alice);
  await openBoard(page, server, board);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
  await addProject(page, "ERP");
  await expectAllSaved(page);

  await server.stop();
  await expect(badge(page)).toHaveAttribute("data-state", "offline");
  const base = `${server.url}/board/${board.documentId}`;
  for (const [path, heading] of PAGES) {
    await page.goto(`${base}/${path}`);
    const startsWith = new RegExp(`^${heading.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`);
    await expect(page.getByRole("heading", { name: startsWith }).first(), path).toBeVisible();
  }
  await page.goto(base);
  await expect(page.getByTestId("board-name")).toHaveText("On the road");
  await expect(page.getByTestId("project-row")).toHaveCount(1);
});

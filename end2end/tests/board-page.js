// What a person does on a board page, as helpers for the tests.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { expect } from "@playwright/test";

// axe-core is evaluated through the browser's debugging protocol rather than added as a
// <script>: the app's Content Security Policy rightly refuses an injected inline script.
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export async function openBoard(page, server, board) {
  await page.goto(`${server.url}/board/${board.documentId}`);
  // A fresh browser context fetches and compiles the whole debug wasm first: slow on a busy machine.
  await expect(page.getByTestId("board-name")).toHaveText(board.name, { timeout: 30_000 });
  // The service worker installs meanwhile; `server.stop()` waits for it (`pagesWorkOffline`).
  server.pages.add(page);
}

/**
 * Alice's board, with Bob added as an editor, open for both, each in a browser profile of
 * their own. Returns the accounts too, for tests that need them.
 */
export async function aliceAndBobOnABoard(browser, server, boardName) {
  const alice = await server.signUp("alice@example.com", "Alice");
  const bob = await server.signUp("bob@example.com", "Bob");
  const board = await server.createBoard(alice, boardName);
  await server.addMember(alice, board, bob, "editor");
  const pages = [];
  for (const user of [alice, bob]) {
    const page = await server.pageAs(browser, user);
    await openBoard(page, server, board);
    pages.push(page);
  }
  return { board, alice, bob, pages };
}

/** A signed-up account with a board of its own, open in `page`. */
export async function ownBoard(page, server, boardName, email = "owner@example.com", name = "Olga") {
  const owner = await server.signUp(email, name);
  await page.context().addCookies(server.cookies(owner));
  const board = await server.createBoard(owner, boardName);
  await openBoard(page, server, board);
  return { owner, board };
}

export async function addProject(page, name) {
  const input = page.getByLabel("New project name");
  await input.fill(name);
  await input.press("Enter");
  await expect.poll(() => projectNames(page)).toContain(name);
}

export async function addPerson(page, name, capacity) {
  await page.getByLabel("New person name").fill(name);
  await page.getByLabel("Capacity hours per week").fill(String(capacity));
  await page.getByLabel("New person name").press("Enter");
  await expect(page.getByTestId("person-row").filter({ hasText: name })).toBeVisible();
}

/** Project names in priority order. */
export async function projectNames(page) {
  return page.locator("[data-testid=project-row] .project-name").evaluateAll((inputs) => inputs.map((input) => input.value));
}

export function projectRow(page, name) {
  return page.locator("[data-testid=project-row]").filter({
    has: page.locator(`.project-name[value="${name}"]`),
  });
}

/** Books `hours` of `person` on `project` in the `weekIndex`-th week shown. */
export async function setHours(page, project, person, weekIndex, hours) {
  await page.getByLabel("Project to plan").selectOption({ label: project });
  const cell = personCells(page, person).nth(weekIndex).locator("input");
  await cell.fill(String(hours));
  await cell.press("Tab");
}

export function personCells(page, person) {
  return page.getByTestId("person-row").filter({ hasText: person }).locator("td.cell");
}

export function badge(page) {
  return page.getByTestId("sync-badge");
}

export async function expectAllSaved(page) {
  await expect(badge(page)).toHaveAttribute("data-state", "online");
  await expect(badge(page)).toHaveAttribute("data-unsynced", "0");
}

/**
 * Runs axe-core on the page as it is now and fails on serious or critical issues, listing
 * each with the elements it found it on.
 */
export async function expectAccessible(page, what) {
  await page.evaluate(axeSource);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  const serious = results.violations
    .filter((violation) => ["serious", "critical"].includes(violation.impact))
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help}\n    ${violation.nodes.map((node) => node.target.join(" ")).join("\n    ")}`);
  expect(serious, `axe-core on ${what}`).toEqual([]);
}

// What a person does on a board page, as helpers for the tests.
import { expect } from "@playwright/test";

export async function openBoard(page, server, board, displayName) {
  await page.goto(`${server.url}/board/${board.documentId}`);
  await expect(page.getByTestId("board-name")).toHaveText(board.name);
  if (displayName) {
    const name = page.getByLabel("Your name");
    await name.fill(displayName);
    await name.press("Enter");
  }
}

/** Two people, each in a browser profile of their own, with the board open. */
export async function openAsAliceAndBob(browser, server, board) {
  const pages = [];
  for (const name of ["Alice", "Bob"]) {
    const page = await (await browser.newContext()).newPage();
    await openBoard(page, server, board, name);
    pages.push(page);
  }
  return pages;
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

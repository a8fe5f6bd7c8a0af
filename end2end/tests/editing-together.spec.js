// Two PMO members on one board, each in a browser context of their own, as two people at two
// desks would be: what one is typing stays theirs while the other edits, a value the board
// refuses never stays on screen (nor reaches the other), and the sync badge tells the truth
// when the server hangs.
import { test, expect } from "./fixtures.js";
import { TestServer } from "./server.js";
import {
  addPerson, addProject, aliceAndBobOnABoard, badge, expectAllSaved, personCells, projectNames, projectRow,
  setHours,
} from "./board-page.js";

let server;
test.beforeEach(async () => {
  server = await TestServer.start();
});
test.afterEach(async () => {
  await server.close();
});

/** Alice and Bob on one board with the project ERP (budget 100000), both seeing it. */
async function erpOnBothScreens(browser, boardName) {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, boardName);
  await addProject(alice, "ERP");
  await commit(projectRow(alice, "ERP").locator(".budget"), "100000");
  await expect(projectRow(bob, "ERP").locator(".budget")).toHaveValue("100,000");
  return { alice, bob };
}

/** Types `text` into a field and commits it with Enter. */
async function commit(field, text) {
  await field.fill(text);
  await field.press("Enter");
}

/** The project's row by its id, which stays the same whatever its name shows. */
async function rowById(page, name) {
  const id = await projectRow(page, name).getAttribute("data-project-id");
  return page.locator(`[data-testid=project-row][data-project-id="${id}"]`);
}

test("a half-typed project name stays while a colleague changes the budget", async ({ browser }) => {
  const { alice, bob } = await erpOnBothScreens(browser, "Names");
  const bobsRow = await rowById(bob, "ERP");
  const bobsName = bobsRow.locator(".project-name");
  await bobsName.fill("ERP renew");

  await commit(projectRow(alice, "ERP").locator(".budget"), "250000");
  await expect(bobsRow.locator(".budget")).toHaveValue("250,000");
  await expect(bobsName).toHaveValue("ERP renew");
  await expect(bobsName).toBeFocused();
  await expect(bobsRow.getByTestId("changed-meanwhile")).toHaveCount(0);

  await bobsName.pressSequentially("al");
  await bobsName.press("Enter");
  await expect.poll(() => projectNames(alice)).toEqual(["ERP renewal"]);
  await expect(projectRow(alice, "ERP renewal").locator(".budget")).toHaveValue("250,000");
});

test("a half-typed budget stays while a colleague changes the stage", async ({ browser }) => {
  const { alice, bob } = await erpOnBothScreens(browser, "Budgets");
  const bobsRow = await rowById(bob, "ERP");
  const bobsBudget = bobsRow.locator(".budget");
  await bobsBudget.fill("1200");

  await projectRow(alice, "ERP").getByLabel("Stage").selectOption("approved");
  await expect(bobsRow.getByLabel("Stage")).toHaveValue("approved");
  await expect(bobsBudget).toHaveValue("1200");

  await bobsBudget.pressSequentially("000");
  await bobsBudget.press("Tab");
  await expect(projectRow(alice, "ERP").locator(".budget")).toHaveValue("1,200,000");
  await expect(projectRow(alice, "ERP").getByLabel("Stage")).toHaveValue("approved");
});

test("a half-typed resource-plan cell stays while a colleague books another person", async ({ browser }) => {
  const { alice, bob } = await erpOnBothScreens(browser, "Bookings");
  await addPerson(alice, "Li Wei", 40);
  await addPerson(alice, "Chen Jing", 40);
  await expect(bob.getByTestId("person-row")).toHaveCount(2);

  const bobsCell = personCells(bob, "Li Wei").nth(1).locator("input");
  await bobsCell.fill("1");
  await setHours(alice, "ERP", "Chen Jing", 1, 8);
  // Alice's booking reaches Bob's grid (the total under Chen Jing's cell)…
  await expect(personCells(bob, "Chen Jing").nth(1).locator(".total")).toHaveText("8/40");
  await expect(personCells(bob, "Chen Jing").nth(1).locator("input")).toHaveValue("8");
  // …and what Bob is typing is untouched.
  await expect(bobsCell).toHaveValue("1");
  await expect(bobsCell).toBeFocused();

  await bobsCell.pressSequentially("6");
  await bobsCell.press("Tab");
  await expect(personCells(alice, "Li Wei").nth(1).locator("input")).toHaveValue("16");
  await expect(personCells(alice, "Li Wei").nth(1).locator(".total")).toHaveText("16/40");
});

test("a colleague's change of the same field shows beside the draft, which wins only if committed", async ({ browser }) => {
  const { alice, bob } = await erpOnBothScreens(browser, "Same field");
  const bobsRow = await rowById(bob, "ERP");
  const bobsName = bobsRow.locator(".project-name");

  // Esc takes the colleague's value.
  await bobsName.fill("ERP (Bob)");
  await commit(projectRow(alice, "ERP").locator(".project-name"), "ERP (Alice)");
  await expect(bobsRow.getByTestId("changed-meanwhile")).toContainText("ERP (Alice)");
  await expect(bobsName).toHaveValue("ERP (Bob)");
  await bobsName.press("Escape");
  await expect(bobsName).toHaveValue("ERP (Alice)");
  await expect(bobsRow.getByTestId("changed-meanwhile")).toHaveCount(0);

  // Enter keeps the draft, and the colleague then sees it.
  await bobsName.fill("ERP (Bob)");
  await commit(projectRow(alice, "ERP (Alice)").locator(".project-name"), "ERP (Alice 2)");
  await expect(bobsRow.getByTestId("changed-meanwhile")).toContainText("ERP (Alice 2)");
  await bobsName.press("Enter");
  await expect.poll(() => projectNames(alice)).toEqual(["ERP (Bob)"]);
  await expect(bobsRow.getByTestId("changed-meanwhile")).toHaveCount(0);

  // Typing and undoing it is no edit: leaving the field does not write the old name back
  // over the colleague's new one.
  await bobsName.fill("ERP (Bob) draft");
  await commit(projectRow(alice, "ERP (Bob)").locator(".project-name"), "ERP final");
  await expect(bobsRow.getByTestId("changed-meanwhile")).toContainText("ERP final");
  await bobsName.fill("ERP (Bob)");
  await bobsName.press("Tab");
  await expect(bobsName).toHaveValue("ERP final");
  await expect.poll(() => projectNames(alice)).toEqual(["ERP final"]);
});

test("a refused value shows why in place, goes back when left, and never reaches the colleague", async ({ browser }) => {
  const { alice, bob } = await erpOnBothScreens(browser, "Refusals");
  await addPerson(alice, "Li Wei", 40);
  await expect(bob.getByTestId("person-row")).toHaveCount(1);
  const bobsRow = await rowById(bob, "ERP");
  const alicesRow = await rowById(alice, "ERP");
  // Alice watches her budget field for the whole test: −5 must never appear there.
  await alicesRow.locator(".budget").evaluate((input) => {
    window.budgetsSeen = [];
    new MutationObserver(() => window.budgetsSeen.push(input.getAttribute("value"))).observe(input, { attributes: true });
  });

  const budget = bobsRow.locator(".budget");
  await commit(budget, "-5");
  await expect(bobsRow.getByRole("alert").filter({ hasText: "The budget must be a number of at least 0" })).toBeVisible();
  await expect(budget).toHaveAttribute("aria-invalid", "true");
  await expect(budget).toHaveValue("-5");
  await budget.press("Tab");
  await expect(budget).toHaveValue("100,000");
  await expect(budget).not.toHaveAttribute("aria-invalid", "true");

  const name = bobsRow.locator(".project-name");
  await commit(name, "   ");
  await expect(bobsRow.getByRole("alert").filter({ hasText: "project name cannot be empty" })).toBeVisible();
  await name.press("Tab");
  await expect(name).toHaveValue("ERP");

  const cell = personCells(bob, "Li Wei").first().locator("input");
  await commit(cell, "-5");
  await expect(personCells(bob, "Li Wei").first().getByRole("alert")).toContainText("The booked hours must be a number of at least 0");
  await cell.press("Tab");
  await expect(cell).toHaveValue("");
  await expect(personCells(bob, "Li Wei").first().locator(".total")).toHaveText("0/40");

  // A good edit after the refused ones reaches Alice; the refused ones never did.
  await commit(budget, "90000");
  await expect(alicesRow.locator(".budget")).toHaveValue("90,000");
  await expect(personCells(alice, "Li Wei").first().locator("input")).toHaveValue("");
  await expect.poll(() => projectNames(alice)).toEqual(["ERP"]);
  expect(await alice.evaluate(() => window.budgetsSeen)).toEqual(["90,000"]);
  await expectAllSaved(bob);
});

test("a hung server shows as offline within seconds, and the kept changes arrive after it resumes", async ({ browser }) => {
  const { alice, bob } = await erpOnBothScreens(browser, "Hung server");
  await expectAllSaved(alice);
  await expectAllSaved(bob);

  await server.pause();
  const paused = Date.now();
  await expect(badge(alice)).toHaveAttribute("data-state", "offline", { timeout: 8_000 });
  await expect(badge(bob)).toHaveAttribute("data-state", "offline", { timeout: 8_000 });
  console.log(`offline shown ${Date.now() - paused} ms after the server hung`);

  await addProject(alice, "CRM");
  await commit(projectRow(alice, "ERP").locator(".budget"), "300000");
  await expect(badge(alice)).toHaveText("Offline — 2 changes kept on this device");
  // Still offline, and still saying so, well after the server hung.
  await alice.waitForTimeout(10_000);
  await expect(badge(alice)).toHaveAttribute("data-state", "offline");

  server.resume();
  await expectAllSaved(alice);
  await expect.poll(() => projectNames(bob), { timeout: 15_000 }).toEqual(["ERP", "CRM"]);
  await expect(projectRow(bob, "ERP").locator(".budget")).toHaveValue("300,000");
  await expect(badge(bob)).toHaveAttribute("data-state", "online");
});

test("the badge says offline as soon as the browser loses the network, and recovers", async ({ browser }) => {
  const { alice, bob } = await erpOnBothScreens(browser, "No network");
  await server.pagesWorkOffline();
  await alice.context().setOffline(true);
  await expect(badge(alice)).toHaveAttribute("data-state", "offline", { timeout: 2_000 });
  await commit(projectRow(alice, "ERP").locator(".budget"), "123000");
  await expect(badge(alice)).toHaveText("Offline — 1 change kept on this device");
  await alice.context().setOffline(false);
  await expectAllSaved(alice);
  await expect(projectRow(bob, "ERP").locator(".budget")).toHaveValue("123,000");
});

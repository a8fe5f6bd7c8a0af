// Time travel and baselines (issue 14, items 4 and 5): a baseline taken by one member reaches
// the other; opening a baseline, a decision or a history entry shows every page of the board
// as it was, read-only, with a banner and the way back; a version's link can be pasted; a point
// compares with now. Alice owns the board, Bob is an editor.
import { test, expect } from "./fixtures.js";
import { TestServer } from "./server.js";
import { addProject, aliceAndBobOnABoard, expectAllSaved, projectNames, projectRow } from "./board-page.js";

let server;
test.beforeEach(async () => {
  server = await TestServer.start();
});
test.afterEach(async () => {
  await server.close();
});

async function openPage(page, label) {
  await page.getByRole("navigation", { name: "Board pages" }).getByRole("link", { name: label }).click();
}

async function shot(page, testInfo, name) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

/** Bob changes the board after the point: Zeus to the top, Hermes added, Apollo's budget. */
async function bobChangesTheBoard(bob) {
  await expect.poll(() => projectNames(bob)).toEqual(["Apollo", "Zeus"]);
  await projectRow(bob, "Zeus").getByRole("button", { name: "Move up" }).click();
  await addProject(bob, "Hermes");
  const budget = projectRow(bob, "Apollo").getByLabel("Budget");
  await budget.fill("80000");
  await budget.press("Enter");
  await expect.poll(() => projectNames(bob)).toEqual(["Zeus", "Apollo", "Hermes"]);
  await expectAllSaved(bob);
}

/** The board as it was: the priorities then, nothing editable, the banner above. */
async function expectTheBoardThen(page) {
  await expect(page.getByTestId("time-travel-banner")).toContainText("You are looking at the board as it was");
  await expect.poll(() => projectNames(page)).toEqual(["Apollo", "Zeus"]);
  await expect(page.getByLabel("New project name")).toBeDisabled();
  await expect(projectRow(page, "Apollo").getByLabel("Budget")).toBeDisabled();
  await expect(page.getByTestId("undo-last")).toHaveCount(0);
}

test("a baseline one member takes reaches the other; it opens every page as it was, read-only, compares with now, and leads back", async ({ browser }, testInfo) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "2027 portfolio");
  await addProject(alice, "Apollo");
  await addProject(alice, "Zeus");

  await openPage(alice, "Baselines");
  await expect(alice.getByTestId("no-baselines")).toBeVisible();
  // A bad name says why in place, and nothing is written.
  await alice.getByTestId("take-baseline").click();
  await expect(alice.getByTestId("baseline-problem")).toContainText("baseline name");
  await expect(alice.getByTestId("baseline-name")).toHaveAttribute("aria-invalid", "true");
  await expect(alice.getByTestId("baseline-row")).toHaveCount(0);
  await alice.getByTestId("baseline-name").fill("2027 Q1 review");
  await alice.getByTestId("baseline-name").press("Enter");
  await expect(alice.getByTestId("baseline-row")).toHaveCount(1);
  await expect(alice.getByTestId("baseline-row")).toContainText("Alice");
  await alice.getByTestId("baseline-name").fill("2027 q1 REVIEW");
  await alice.getByTestId("baseline-name").press("Enter");
  await expect(alice.getByTestId("baseline-problem")).toContainText("already a baseline named");
  await expect(alice.getByTestId("baseline-row")).toHaveCount(1);
  await expectAllSaved(alice);

  // Bob sees it live, then changes the board.
  await bobChangesTheBoard(bob);
  await openPage(bob, "Baselines");
  await expect(bob.getByTestId("baseline-row")).toHaveCount(1);
  await expect(bob.getByTestId("baseline-row")).toContainText("2027 Q1 review");

  // Compared with now.
  await bob.getByTestId("compare-baseline").click();
  await expect(bob.getByTestId("compare-projects").locator("li")).toHaveText([
    "Hermes: added",
    "Zeus: #2 → #1",
    "Apollo: #1 → #2",
  ]);
  await expect(bob.getByTestId("compare-fields").locator("li")).toHaveText(["Apollo · Budget: 0 → 80,000"]);
  await expect(bob.getByTestId("compare-kpis").locator("tbody tr")).toHaveCount(6);
  // The selection on each: with no budget envelope, its budget is what every project in play
  // costs, 0 then and 80,000 now.
  const selection = bob.getByTestId("compare-selection").locator("tbody tr");
  await expect(selection).toHaveCount(4);
  await expect(selection.nth(3).locator("td")).toHaveText([/^\D*0\D*$/, /80,000/]);
  await shot(bob, testInfo, "baselines");

  // Opened: every page as it was, read-only.
  await bob.getByTestId("open-baseline").click();
  await expect(bob).toHaveURL(/\/board\/[^/?]+\?at=[0-9a-f]{64}/);
  await expectTheBoardThen(bob);
  await expect(bob.getByTestId("time-travel-what")).toContainText("baseline “2027 Q1 review”, taken by Alice");
  await shot(bob, testInfo, "priorities-then");
  await openPage(bob, "Dashboard");
  await expect(bob).toHaveURL(/\/dashboard\?at=/);
  await expect(bob.getByTestId("time-travel-banner")).toBeVisible();
  await openPage(bob, "Priorities");
  await expectTheBoardThen(bob);
  // An edit there is impossible from the keyboard too: Ctrl+Z does nothing to the board.
  await bob.getByTestId("board-name").click();
  await bob.keyboard.press("Control+z");
  await expect.poll(() => projectNames(bob)).toEqual(["Apollo", "Zeus"]);

  // The version's link, pasted by someone else, opens the same board as it was.
  const link = bob.url();
  await alice.goto(link);
  await expectTheBoardThen(alice);
  await alice.getByTestId("compare-with-now").click();
  await expect(alice.getByTestId("compare-projects").locator("li")).toHaveText([
    "Hermes: added",
    "Zeus: #2 → #1",
    "Apollo: #1 → #2",
  ]);
  await shot(alice, testInfo, "compare-with-now");

  // The way back: the live board, editable again.
  await bob.getByTestId("back-to-now").click();
  await expect(bob).not.toHaveURL(/at=/);
  await expect(bob.getByTestId("time-travel-banner")).toHaveCount(0);
  await expect.poll(() => projectNames(bob)).toEqual(["Zeus", "Apollo", "Hermes"]);
  await expect(bob.getByLabel("New project name")).toBeEnabled();

  // Deleting asks first; Alice sees it go.
  await openPage(bob, "Baselines");
  await bob.getByTestId("delete-baseline").click();
  await bob.getByTestId("confirm-delete").getByRole("button", { name: "Delete", exact: true }).click();
  await expect(bob.getByTestId("no-baselines")).toBeVisible();
  await openPage(alice, "Baselines");
  await expect(alice.getByTestId("no-baselines")).toBeVisible();
});

test("a decision and a history entry open every page of the board as it was, and a damaged link says so", async ({ browser }, testInfo) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "Gate review");
  await addProject(alice, "Apollo");
  await addProject(alice, "Zeus");
  await openPage(alice, "Decisions");
  await alice.getByTestId("decision-kind").selectOption({ label: "Approve" });
  await alice.getByTestId("decision-project").selectOption({ label: "Apollo" });
  await alice.getByTestId("decision-note").fill("Fits the 2027 strategy");
  await alice.getByTestId("decision-note").press("Enter");
  await expect(alice.getByTestId("decision-row")).toHaveCount(1);
  await expectAllSaved(alice);
  await bobChangesTheBoard(bob);

  // From the decision to every page as it was.
  await openPage(bob, "Decisions");
  await bob.getByTestId("open-decision").click();
  await bob.getByTestId("open-every-page").click();
  await expectTheBoardThen(bob);
  await expect(bob.getByTestId("time-travel-what")).toContainText("the decision “approve Apollo” recorded by Alice");
  await openPage(bob, "Risks");
  await expect(bob).toHaveURL(/\/risks\?at=/);
  await expect(bob.getByTestId("time-travel-banner")).toBeVisible();
  await bob.getByTestId("back-to-now").click();
  await expect(bob).toHaveURL(/\/risks$/);

  // From a history entry: Zeus added, before Bob's changes.
  await openPage(bob, "History");
  const entry = bob.getByTestId("history-entry").filter({ hasText: "added project Zeus" });
  await entry.getByTestId("see-then").click();
  await expectTheBoardThen(bob);
  await shot(bob, testInfo, "history-entry-then");

  // A link cut short names no version: it says so, and shows nothing as if it were the board.
  const damaged = bob.url().replace(/at=([0-9a-f]{20})[0-9a-f]+/, "at=$1");
  await bob.goto(damaged);
  await expect(bob.getByTestId("time-travel-banner")).toContainText("does not name a version of the board");
  await expect(bob.getByTestId("project-row")).toHaveCount(0);
  await bob.getByTestId("back-to-now").click();
  await expect.poll(() => projectNames(bob)).toEqual(["Zeus", "Apollo", "Hermes"]);
});

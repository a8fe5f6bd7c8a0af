// History the PMO can trust (issue 14): who changed what, in PMO words, on the history page of
// another member; the board as it was when a decision was taken; and what a device can say
// about its history when the server is down. Alice owns the board, Bob is an editor.
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

/** The history as [who, [summaries]] per session, newest first. */
async function sessions(page) {
  return page.getByTestId("history-session").evaluateAll((items) =>
    items.map((item) => [
      item.querySelector("[data-testid=history-who]").textContent,
      [...item.querySelectorAll("[data-testid=history-entry] .history-summary")].map((s) => s.textContent),
    ]));
}

async function shot(page, testInfo, name) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

test("a member's edits show in the other member's history with the member's name, in PMO words", async ({ browser }, testInfo) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "2027 portfolio");
  await addProject(alice, "Apollo");
  await addProject(alice, "Zeus");
  await expect.poll(() => projectNames(bob)).toEqual(["Apollo", "Zeus"]);

  // Bob sets Zeus's budget and moves it up.
  const budget = projectRow(bob, "Zeus").getByLabel("Budget");
  await budget.fill("250000");
  await budget.press("Enter");
  await projectRow(bob, "Zeus").getByRole("button", { name: "Move up" }).click();
  await expect.poll(() => projectNames(alice)).toEqual(["Zeus", "Apollo"]);
  await expectAllSaved(bob);

  await openPage(alice, "History");
  await expect(alice).toHaveURL(/\/history$/);
  await expect.poll(() => sessions(alice)).toEqual([
    ["Bob", ["moved Zeus above Apollo", "set Zeus's budget to 250,000"]],
    ["Alice", ["added project Zeus", "added project Apollo", "created the board “2027 portfolio”"]],
  ]);

  // Bob edits again while Alice looks: it arrives without a reload.
  await projectRow(bob, "Apollo").getByRole("button", { name: "Delete project" }).click();
  await bob.getByTestId("confirm-delete").getByRole("button", { name: "Delete", exact: true }).click();
  await expect.poll(async () => (await sessions(alice))[0]).toEqual(
    ["Bob", ["deleted project Apollo", "moved Zeus above Apollo", "set Zeus's budget to 250,000"]],
  );

  // Filters: by member, by project.
  await alice.getByTestId("history-member").selectOption({ label: "Alice" });
  await expect.poll(() => sessions(alice)).toEqual([
    ["Alice", ["added project Zeus", "added project Apollo", "created the board “2027 portfolio”"]],
  ]);
  await alice.getByTestId("history-member").selectOption({ label: "Everyone" });
  await alice.getByTestId("history-project").selectOption({ label: "Zeus" });
  await expect.poll(() => sessions(alice)).toEqual([
    ["Bob", ["moved Zeus above Apollo", "set Zeus's budget to 250,000"]],
    ["Alice", ["added project Zeus"]],
  ]);
  await alice.getByTestId("history-project").selectOption({ label: "All projects" });
  await shot(alice, testInfo, "history");

  // Bob sees the same history, names and all.
  await openPage(bob, "History");
  await expect.poll(async () => (await sessions(bob)).map(([who]) => who)).toEqual(["Bob", "Alice"]);
});

test("opening a decision shows the board as it was, read-only, and what changed since", async ({ browser }, testInfo) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "Gate review");
  await addProject(alice, "Apollo");
  await addProject(alice, "Zeus");

  await openPage(alice, "Decisions");
  await expect(alice.getByTestId("no-decisions")).toBeVisible();
  await alice.getByTestId("decision-kind").selectOption({ label: "Approve" });
  await alice.getByTestId("decision-project").selectOption({ label: "Apollo" });
  await alice.getByTestId("decision-note").fill("Fits the 2027 strategy");
  await alice.getByTestId("decision-note").press("Enter");
  await expect(alice.getByTestId("decision-row")).toHaveCount(1);
  await expect(alice.getByTestId("decision-row")).toContainText("Approve");
  await expect(alice.getByTestId("decision-row")).toContainText("Alice");
  await shot(alice, testInfo, "decisions");

  // Since then Bob moves Zeus to the top, adds Hermes and raises Apollo's budget.
  await expect.poll(() => projectNames(bob)).toEqual(["Apollo", "Zeus"]);
  await projectRow(bob, "Zeus").getByRole("button", { name: "Move up" }).click();
  await addProject(bob, "Hermes");
  const budget = projectRow(bob, "Apollo").getByLabel("Budget");
  await budget.fill("80000");
  await budget.press("Enter");
  await expectAllSaved(bob);

  // Bob opens the decision: the board as Alice saw it.
  await openPage(bob, "Decisions");
  await bob.getByTestId("open-decision").click();
  await expect(bob.getByTestId("version-banner")).toContainText("as it was when Alice recorded “approve Apollo”");
  await expect(bob.getByTestId("version-banner")).toContainText("Note: Fits the 2027 strategy");
  const rows = bob.getByTestId("version-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText("Apollo");
  await expect(rows.nth(1)).toContainText("Zeus");
  await expect(bob.locator(".version-table input, .version-table button, .version-table select")).toHaveCount(0);
  const since = bob.getByTestId("changed-since").locator("li");
  await expect(since).toHaveText([
    "Hermes was added",
    "Zeus moved from #2 to #1",
    "Apollo moved from #1 to #2",
    "Apollo's budget: 0 → 80,000",
  ]);
  await shot(bob, testInfo, "decision-version");

  // The way back.
  await bob.getByRole("link", { name: "← Back to the decisions" }).click();
  await expect(bob.getByTestId("decision-row")).toHaveCount(1);
});

test("offline, the history page says it needs the server and shows what this device holds", async ({ browser }, testInfo) => {
  const { pages: [alice] } = await aliceAndBobOnABoard(browser, server, "Road trip");
  await addProject(alice, "Apollo");
  await expectAllSaved(alice);
  await server.stop();
  await openPage(alice, "History");
  await expect(alice.getByTestId("history-offline")).toContainText("needs the server");
  await expect(alice.getByTestId("history-offline")).toContainText("cannot say who made them");
  await expect(alice.getByTestId("local-change").first()).toContainText("added project Apollo");
  await shot(alice, testInfo, "history-offline");
});

test("undo my last change takes back the member's own edit, never a colleague's later one", async ({ browser }) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "Undo review");
  await addProject(alice, "Apollo");
  await addProject(alice, "Zeus");
  await expect.poll(() => projectNames(bob)).toEqual(["Apollo", "Zeus"]);

  // Bob sets Zeus's budget; then Alice renames Apollo (a later change, hers).
  const budget = projectRow(bob, "Zeus").getByLabel("Budget");
  await budget.fill("250000");
  await budget.press("Enter");
  await expect(projectRow(alice, "Zeus").getByLabel("Budget")).toHaveValue("250,000");
  const name = projectRow(alice, "Apollo").getByLabel("Project name");
  await name.fill("Apollo II");
  await name.press("Enter");
  await expect.poll(() => projectNames(bob)).toEqual(["Apollo II", "Zeus"]);

  // Bob presses Ctrl+Z outside any field: his budget goes, Alice's rename stays.
  await bob.getByTestId("board-name").click();
  await bob.keyboard.press("Control+z");
  await expect(bob.getByTestId("undo-message")).toHaveText("Undid “set Zeus's budget to 250,000”.");
  for (const page of [alice, bob]) {
    await expect(projectRow(page, "Zeus").getByLabel("Budget")).toHaveValue("0");
    await expect.poll(() => projectNames(page)).toEqual(["Apollo II", "Zeus"]);
  }
  // Nothing else of Bob's to undo: the button says so and changes nothing.
  await bob.getByTestId("undo-last").click();
  await expect(bob.getByTestId("undo-message")).toHaveText("You have no change on this board to undo.");
  await expect.poll(() => projectNames(alice)).toEqual(["Apollo II", "Zeus"]);

  // The history says who undid what.
  await expectAllSaved(bob);
  await openPage(alice, "History");
  await expect.poll(async () => (await sessions(alice)).slice(0, 3)).toEqual([
    ["Bob", ["set Zeus's budget to 0"]],
    ["Alice", ["renamed project Apollo to Apollo II"]],
    ["Bob", ["set Zeus's budget to 250,000"]],
  ]);
});

/** The lines of the open field story: [value, who] each, current value first. */
async function story(page) {
  return page.getByTestId("field-story-panel").getByTestId("story-value").evaluateAll((items) =>
    items.map((item) => [
      item.querySelector(".story-value").textContent,
      item.dataset.standing,
      item.querySelector("[data-testid=story-who]").textContent,
    ]));
}

test("each field tells who set its value and when, from the priorities and the project page, by mouse and keyboard", async ({ browser }, testInfo) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "Field stories");
  await addProject(alice, "Apollo");
  await expect.poll(() => projectNames(bob)).toEqual(["Apollo"]);

  // Alice sets Apollo's budget, then Bob raises it and names the sponsor.
  const alicesBudget = projectRow(alice, "Apollo").getByLabel("Budget", { exact: true });
  await alicesBudget.fill("200000");
  await alicesBudget.press("Enter");
  await expect(projectRow(bob, "Apollo").locator(".budget")).toHaveValue("200,000");
  const bobsBudget = projectRow(bob, "Apollo").getByLabel("Budget", { exact: true });
  await bobsBudget.fill("250000");
  await bobsBudget.press("Enter");
  const bobsSponsor = projectRow(bob, "Apollo").getByLabel("Sponsor", { exact: true });
  await bobsSponsor.fill("Wang Fang");
  await bobsSponsor.press("Enter");
  await expectAllSaved(bob);
  await expect(projectRow(alice, "Apollo").locator(".budget")).toHaveValue("250,000");

  // On the priorities, Alice opens the budget's story: Bob set the current value, she the ones before.
  const budgetStory = projectRow(alice, "Apollo").locator("[data-testid=field-history][data-field=budget]");
  await expect(budgetStory).toHaveAttribute("title", "Budget: who set it, and when");
  await budgetStory.click();
  await expect(alice.getByTestId("field-story-panel")).toBeFocused();
  await expect.poll(() => story(alice)).toEqual([
    ["250,000", "current", "Bob"],
    ["200,000", "replaced", "Alice"],
    ["0", "replaced", "Alice"],
  ]);
  await expect(alice.getByTestId("field-story-panel").locator(".story-when").first()).not.toHaveText("time not recorded");
  await shot(alice, testInfo, "field-story-priorities");
  // Escape closes it and gives the focus back to its button.
  await alice.keyboard.press("Escape");
  await expect(alice.getByTestId("field-story-panel")).toHaveCount(0);
  await expect(budgetStory).toBeFocused();

  // On the project page, by keyboard: from the sponsor field, Tab reaches its story, Enter opens it.
  await projectRow(alice, "Apollo").getByRole("link", { name: "Open the page of Apollo" }).click();
  await expect(alice.getByTestId("project-page")).toBeVisible();
  await alice.getByTestId("sponsor").focus();
  await alice.keyboard.press("Tab");
  const sponsorStory = alice.locator("[data-testid=field-history][data-field=sponsor]");
  await expect(sponsorStory).toBeFocused();
  await alice.keyboard.press("Enter");
  await expect.poll(() => story(alice)).toEqual([["Wang Fang", "current", "Bob"]]);
  await shot(alice, testInfo, "field-story-project");
  // One story at a time: opening the budget's closes the sponsor's.
  await alice.locator("[data-testid=field-history][data-field=budget]").click();
  await expect(alice.getByTestId("field-story-panel")).toHaveCount(1);
  await expect.poll(async () => (await story(alice))[0]).toEqual(["250,000", "current", "Bob"]);
  await alice.getByTestId("field-story-panel").getByRole("button", { name: "Close" }).click();
  await expect(alice.getByTestId("field-story-panel")).toHaveCount(0);

  // A field nobody set yet says so.
  await alice.locator("[data-testid=field-history][data-field=manager]").click();
  await expect(alice.getByTestId("field-story-panel").getByTestId("story-empty")).toBeVisible();
});

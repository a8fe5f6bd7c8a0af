// Scenarios (情景分析, issue 14 item 7): a fork of the board that two members edit together,
// compare with the board and merge back. Alice owns the board, Bob is an editor.
import { test, expect } from "./fixtures.js";
import { TestServer } from "./server.js";
import {
  addProject, aliceAndBobOnABoard, expectAccessible, expectAllSaved, openBoard, projectNames, projectRow,
} from "./board-page.js";

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

async function setBudget(page, project, amount) {
  const budget = projectRow(page, project).getByLabel("Budget");
  await budget.fill(String(amount));
  await budget.press("Enter");
}

test("a scenario edited by two members and merged back gives the board those edits and no others", async ({ browser }) => {
  const { board, alice: aliceAccount, bob: bobAccount, pages: [alice, bob] } =
    await aliceAndBobOnABoard(browser, server, "Portfolio 2027");
  await addProject(alice, "Apollo");
  await addProject(alice, "Zeus");
  await expect.poll(() => projectNames(bob)).toEqual(["Apollo", "Zeus"]);
  await expectAllSaved(alice);

  // Alice makes a scenario from the keyboard; it opens as a board of its own, under a banner.
  await openPage(alice, "Scenarios");
  await expect(alice.getByTestId("no-scenarios")).toBeVisible();
  await alice.getByTestId("new-scenario").click();
  await expect(alice.getByRole("alert").filter({ hasText: "A scenario needs a name." })).toBeVisible();
  await alice.getByLabel("Name of the new scenario").fill("Fund Hermes");
  await alice.getByLabel("Name of the new scenario").press("Enter");
  await expect(alice.getByTestId("scenario-banner")).toContainText("Scenario “Fund Hermes” of the board “Portfolio 2027”.");
  await expect(alice).not.toHaveURL(new RegExp(board.documentId));
  const scenarioUrl = alice.url();
  await expect.poll(() => projectNames(alice)).toEqual(["Apollo", "Zeus"]);

  // Bob finds it on the board's Scenarios page and opens it.
  await openPage(bob, "Scenarios");
  await expect(bob.getByTestId("scenario-row")).toHaveCount(1);
  await expect(bob.getByTestId("scenario-row")).toContainText("Fund Hermes");
  await expect(bob.getByTestId("scenario-row")).toContainText("Alice");
  await bob.getByTestId("open-scenario").click();
  await expect(bob.getByTestId("scenario-banner")).toBeVisible();
  expect(bob.url()).toBe(scenarioUrl);

  // Both edit the scenario, and each sees the other's edit live.
  await addProject(alice, "Hermes");
  await setBudget(bob, "Apollo", 80000);
  await expect.poll(() => projectNames(bob)).toEqual(["Apollo", "Zeus", "Hermes"]);
  await expect(projectRow(alice, "Apollo").locator(".budget")).toHaveValue("80,000");
  await expectAllSaved(alice);
  await expectAllSaved(bob);

  // Meanwhile the board itself has not changed: Alice has it open in another browser too.
  const onBoard = await server.pageAs(browser, await server.signIn(aliceAccount));
  await openBoard(onBoard, server, board);
  await expect.poll(() => projectNames(onBoard)).toEqual(["Apollo", "Zeus"]);
  await expect(onBoard.getByTestId("scenario-banner")).toHaveCount(0);

  // Bob compares the scenario with the board, then merges it, from the keyboard.
  await bob.getByTestId("scenario-banner").getByRole("link", { name: "Compare and merge" }).click();
  await bob.getByTestId("compare-scenario").click();
  await expect(bob.getByTestId("compare-projects").locator("li")).toHaveText(["Hermes: added"]);
  await expect(bob.getByTestId("compare-fields").locator("li")).toHaveText(["Apollo · Budget: 0 → 80,000"]);
  await expectAccessible(bob, "a scenario's Scenarios page with the comparison");
  await bob.getByTestId("merge-scenario").focus();
  await bob.keyboard.press("Enter");
  await expect(bob.getByTestId("confirm-scenario")).toContainText("Merge the scenario “Fund Hermes” into the board “Portfolio 2027”?");
  await expect(bob.getByTestId("confirm-scenario-action")).toBeFocused();
  await bob.keyboard.press("Enter");
  await expect(bob.getByTestId("scenario-status")).toHaveText("Merged into the board: 2 changes.");

  // The board, open meanwhile, receives exactly those edits.
  await expect.poll(() => projectNames(onBoard)).toEqual(["Apollo", "Zeus", "Hermes"]);
  await expect(projectRow(onBoard, "Apollo").locator(".budget")).toHaveValue("80,000");
  await expect(projectRow(onBoard, "Zeus").locator(".budget")).toHaveValue("0");

  // What the scenario does after the merge stays in the scenario.
  await addProject(alice, "Ares");
  await expectAllSaved(alice);
  await onBoard.waitForTimeout(1_000);
  await expect.poll(() => projectNames(onBoard)).toEqual(["Apollo", "Zeus", "Hermes"]);

  // Discarded, it leaves the list.
  await openPage(onBoard, "Scenarios");
  await expect(onBoard.getByTestId("scenario-row")).toHaveCount(1);
  await expect(onBoard.getByTestId("scenario-row")).toContainText("Bob");
  await expectAccessible(onBoard, "the board's Scenarios page");
  await onBoard.getByTestId("discard-scenario").click();
  await onBoard.getByTestId("confirm-scenario-action").click();
  await expect(onBoard.getByTestId("no-scenarios")).toBeVisible();
  for (const user of [aliceAccount, bobAccount]) {
    const boards = await server.api(user, "GET", "/api/boards");
    expect(boards.map((b) => b.name)).toEqual(["Portfolio 2027"]);
  }
});

// Several PMO members on one board: live edits, edits made while the server is down, and a
// reload with no server at all. Every person signs up first; Bob is an editor of Alice's board.
import { test, expect } from "./fixtures.js";
import { TestServer } from "./server.js";
import {
  addPerson, addProject, aliceAndBobOnABoard, badge, expectAllSaved, openBoard, ownBoard, personCells, projectNames, projectRow,
  setHours,
} from "./board-page.js";

let server;
test.beforeEach(async () => {
  server = await TestServer.start();
});
test.afterEach(async () => {
  await server.close();
});

test("two people reorder and allocate on one board and both see the same board within 2 s", async ({ browser }) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "Q3 portfolio review");

  for (const name of ["ERP upgrade", "CRM", "Data platform"]) {
    await addProject(alice, name);
  }
  await addPerson(alice, "Li Wei", 40);
  await expect.poll(() => projectNames(bob), { timeout: 2_000 }).toEqual(["ERP upgrade", "CRM", "Data platform"]);
  await expect(bob.getByTestId("person-row")).toHaveCount(1, { timeout: 2_000 });
  await expect(alice.getByTestId("peers")).toHaveText("Also here: Bob");
  await expect(bob.getByTestId("peers")).toHaveText("Also here: Alice");

  // Both reorder and allocate at the same time.
  await projectRow(alice, "Data platform").getByRole("button", { name: "Move up" }).click();
  await projectRow(bob, "ERP upgrade").getByRole("button", { name: "Move down" }).click();
  await setHours(alice, "ERP upgrade", "Li Wei", 0, 24);
  await setHours(bob, "CRM", "Li Wei", 0, 24);

  const started = Date.now();
  await expect.poll(async () => {
    const [a, b] = [await projectNames(alice), await projectNames(bob)];
    return a.length === 3 && JSON.stringify(a) === JSON.stringify(b);
  }, { timeout: 2_000 }).toBe(true);
  for (const page of [alice, bob]) {
    // 24 h on each project: 48 of 40 hours, over capacity, on both screens.
    await expect(personCells(page, "Li Wei").first().locator(".total")).toHaveText("48/40", { timeout: 2_000 });
    await expect(personCells(page, "Li Wei").first()).toHaveClass(/over/);
  }
  console.log(`both boards equal ${Date.now() - started} ms after the last edit`);
  await expectAllSaved(alice);
  await expectAllSaved(bob);
});

test("what someone is typing survives the others' edits", async ({ browser }) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "Live review");
  await addProject(alice, "ERP");
  await addProject(alice, "CRM");
  await addPerson(alice, "Li Wei", 40);
  await expect.poll(() => projectNames(bob)).toEqual(["ERP", "CRM"]);
  await expect(bob.getByTestId("person-row")).toHaveCount(1);

  // Alice is half-way through renaming ERP and typing hours when Bob edits the board.
  const erp = await projectRow(alice, "ERP").getAttribute("data-project-id");
  const field = alice.locator(`[data-project-id="${erp}"] .project-name`);
  await field.fill("ERP renewal");
  await projectRow(bob, "CRM").locator(".project-name").fill("CRM 2");
  await projectRow(bob, "CRM").locator(".project-name").press("Enter");
  // Bob books hours before he reorders: the reorder moves Alice's row, which commits her
  // draft, and Bob could then no longer pick the project by its old name.
  await setHours(bob, "ERP", "Li Wei", 2, 8);
  await projectRow(bob, "CRM 2").getByRole("button", { name: "Move up" }).click();

  await expect.poll(() => projectNames(alice)).toEqual(["CRM 2", "ERP renewal"]);
  // Bob's 8 h show in Alice's grid (the total under the cell counts every project).
  await expect(personCells(alice, "Li Wei").nth(2).locator(".total")).toHaveText("8/40");
  // Her draft is still there. (A reorder that moves her row takes the focus away, and the
  // browser then commits the field, as it does whenever a field loses focus: nothing is lost.)
  await expect(field).toHaveValue("ERP renewal");
  await field.press("Enter");
  await expect.poll(() => projectNames(bob)).toEqual(["CRM 2", "ERP renewal"]);
});

test("projects can be reordered by dragging, and by keyboard", async ({ page }) => {
  await ownBoard(page, server, "Ranking");
  for (const name of ["A", "B", "C"]) {
    await addProject(page, name);
  }
  await projectRow(page, "C").locator(".handle").dragTo(projectRow(page, "A").locator(".handle"));
  await expect.poll(() => projectNames(page)).toEqual(["C", "A", "B"]);
  await projectRow(page, "C").getByRole("button", { name: "Move down" }).focus();
  await page.keyboard.press("Enter");
  await expect.poll(() => projectNames(page)).toEqual(["A", "C", "B"]);
});

test("bad input is refused with a message in place and changes nothing", async ({ page }) => {
  await ownBoard(page, server, "Validation");
  await addProject(page, "ERP");
  await addPerson(page, "Li Wei", 40);
  await setHours(page, "ERP", "Li Wei", 0, -5);
  await expect(personCells(page, "Li Wei").first().getByRole("alert")).toContainText("The booked hours must be a number of at least 0");
  await expect(personCells(page, "Li Wei").first().locator(".total")).toHaveText("0/40");
  const name = projectRow(page, "ERP").locator(".project-name");
  await name.fill("   ");
  await name.press("Enter");
  await expect(projectRow(page, "ERP").getByRole("alert")).toContainText("name cannot be empty");
});

test("with the server stopped both keep editing, and after a restart every edit is on both", async ({ browser }) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "Offline review");
  await addProject(alice, "ERP upgrade");
  await addPerson(alice, "Li Wei", 40);
  await expect.poll(() => projectNames(bob)).toEqual(["ERP upgrade"]);
  await expect(bob.getByTestId("person-row")).toHaveCount(1);

  await server.stop();
  await expect(badge(alice)).toHaveAttribute("data-state", "offline");
  await expect(badge(bob)).toHaveAttribute("data-state", "offline");

  await addProject(alice, "Alice offline");
  await projectRow(alice, "ERP upgrade").locator(".project-name").fill("ERP upgrade (phase 2)");
  await projectRow(alice, "ERP upgrade").locator(".project-name").press("Enter");
  await addProject(bob, "Bob offline");
  await setHours(bob, "ERP upgrade", "Li Wei", 1, 16);
  await expect(badge(alice)).toHaveAttribute("data-unsynced", "2");
  await expect(badge(bob)).toHaveAttribute("data-unsynced", "2");
  await expect(badge(alice)).toHaveText("Offline — 2 changes kept on this device");

  // Alice books Li 30 h in the second week on her new project; Bob booked 16 h on ERP the
  // same week. Each alone is fine; together, after the merge, Li is over capacity.
  await setHours(alice, "Alice offline", "Li Wei", 1, 30);
  await expect(alice.getByTestId("rule-warnings")).toHaveCount(0);

  await server.start();
  const everything = ["Alice offline", "Bob offline", "ERP upgrade (phase 2)"];
  for (const page of [alice, bob]) {
    await expect.poll(async () => (await projectNames(page)).sort(), { timeout: 15_000 }).toEqual(everything);
    await page.getByLabel("Project to plan").selectOption({ label: "ERP upgrade (phase 2)" });
    await expect(personCells(page, "Li Wei").nth(1).locator("input")).toHaveValue("16");
    await expect(page.getByTestId("rule-warnings")).toContainText(/Li Wei is booked 46 h in W\d{2} \d{4} but has 40 h/);
    await expectAllSaved(page);
  }
  expect(await projectNames(alice)).toEqual(await projectNames(bob));
});

test("two people who rename a project apart both see which name won and the other", async ({ browser }) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "Naming");
  await addProject(alice, "ERP");
  await expect.poll(() => projectNames(bob)).toEqual(["ERP"]);

  await server.stop();
  for (const [page, name] of [[alice, "ERP upgrade"], [bob, "ERP replacement"]]) {
    await expect(badge(page)).toHaveAttribute("data-state", "offline");
    const field = projectRow(page, "ERP").locator(".project-name");
    await field.fill(name);
    await field.press("Enter");
  }
  await server.start();
  for (const page of [alice, bob]) {
    await expectAllSaved(page);
    await expect(page.getByTestId("conflict")).toBeVisible();
  }
  const [winner] = await projectNames(alice);
  expect(await projectNames(bob)).toEqual([winner]);
  const loser = winner === "ERP upgrade" ? "ERP replacement" : "ERP upgrade";
  for (const page of [alice, bob]) {
    await expect(page.getByTestId("conflict")).toContainText(`name is “${winner}”, also set to “${loser}”`);
  }
  // Settling on a name clears the sign.
  const field = projectRow(alice, winner).locator(".project-name");
  await field.fill("ERP renewal");
  await field.press("Enter");
  await expect(bob.getByTestId("conflict")).toHaveCount(0);
});

test("a reload while the server is stopped shows the board with its local edits", async ({ browser }) => {
  const alice = await server.signUp("alice@example.com", "Alice");
  const bob = await server.signUp("bob@example.com", "Bob");
  const board = await server.createBoard(alice, "On the road");
  await server.addMember(alice, board, bob, "editor");
  const page = await server.pageAs(browser, alice);
  await openBoard(page, server, board);
  // The service worker must control the page before the server goes away.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
  await addProject(page, "Before the trip");
  await expectAllSaved(page);

  await server.stop();
  await expect(badge(page)).toHaveAttribute("data-state", "offline");
  await addProject(page, "Written on the train");
  await expect(badge(page)).toHaveAttribute("data-unsynced", "1");

  await page.reload();
  await expect(page.getByTestId("board-name")).toHaveText("On the road");
  await expect.poll(() => projectNames(page)).toEqual(["Before the trip", "Written on the train"]);
  await expect(badge(page)).toHaveAttribute("data-state", "offline");
  await expect(badge(page)).toHaveAttribute("data-unsynced", "1");

  // Back online: the edit reaches the server, and a colleague who never saw it gets it.
  await server.start();
  await expectAllSaved(page);
  const colleague = await server.pageAs(browser, bob);
  await openBoard(colleague, server, board);
  await expect.poll(() => projectNames(colleague)).toEqual(["Before the trip", "Written on the train"]);
});

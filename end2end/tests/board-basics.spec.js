// The board's basics, as two PMO members use them together: people edited and removed,
// sponsor and manager on each project, budgets read with thousands separators in the board's
// currency with their total, and the resource plan for one project or everyone, beyond the
// first twelve weeks.
import { test, expect } from "./fixtures.js";
import { TestServer } from "./server.js";
import {
  addPerson, addProject, aliceAndBobOnABoard, personCells, projectNames, projectRow, setHours,
} from "./board-page.js";

let server;
test.beforeEach(async () => {
  server = await TestServer.start();
});
test.afterEach(async () => {
  await server.close();
});

async function commit(field, text) {
  await field.fill(text);
  await field.press("Enter");
}

function person(page, name) {
  return page.getByTestId("person").filter({ has: page.locator(`.person-name[value="${name}"]`) });
}

test("people are edited in place and removed with their bookings, on both screens", async ({ browser }) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "People");
  await addProject(alice, "ERP");
  await addPerson(alice, "Li Wei", 40);
  await addPerson(alice, "Chen Jing", 40);
  await setHours(alice, "ERP", "Chen Jing", 0, 16);

  const li = person(alice, "Li Wei");
  await commit(li.locator(".person-role"), "Business analyst");
  await commit(li.locator(".person-team"), "Finance IT");
  await commit(li.locator(".person-capacity"), "32");
  await commit(li.locator(".person-name"), "Li Wei (PMO)");
  const bobsLi = person(bob, "Li Wei (PMO)");
  await expect(bobsLi.locator(".person-role")).toHaveValue("Business analyst");
  await expect(bobsLi.locator(".person-team")).toHaveValue("Finance IT");
  await expect(bobsLi.locator(".person-capacity")).toHaveValue("32");
  await expect(personCells(bob, "Li Wei (PMO)").first().locator(".total")).toHaveText("0/32");

  // A capacity the board refuses shows why, and nothing changes.
  await commit(bobsLi.locator(".person-capacity"), "500");
  await expect(bobsLi.getByRole("alert")).toContainText("capacity");
  await bobsLi.locator(".person-capacity").press("Escape");
  await expect(bobsLi.locator(".person-capacity")).toHaveValue("32");

  // Removing asks first, and says the bookings go too.
  const chen = person(bob, "Chen Jing");
  await chen.getByRole("button", { name: "Remove Chen Jing" }).click();
  await expect(chen.getByTestId("confirm-remove")).toContainText("Remove “Chen Jing”? Their 1 booking in the resource plan goes too.");
  await chen.getByTestId("confirm-remove").getByRole("button", { name: "Remove", exact: true }).click();
  await expect(alice.getByTestId("person-row")).toHaveCount(1);
  await expect(alice.getByTestId("person")).toHaveCount(1);
});

test("sponsor, manager and budgets with separators, the currency and a total", async ({ browser }) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "Money");
  await addProject(alice, "ERP");
  await addProject(alice, "CRM");
  await commit(projectRow(alice, "ERP").locator(".sponsor"), "CFO Wang");
  await commit(projectRow(alice, "ERP").locator(".manager"), "Zhao Min");
  await commit(projectRow(alice, "ERP").locator(".budget"), "1250000");
  await commit(projectRow(alice, "CRM").locator(".budget"), "200,000.50");

  await expect(projectRow(bob, "ERP").locator(".sponsor")).toHaveValue("CFO Wang");
  await expect(projectRow(bob, "ERP").locator(".manager")).toHaveValue("Zhao Min");
  await expect(projectRow(bob, "ERP").locator(".budget")).toHaveValue("1,250,000");
  await expect(projectRow(bob, "CRM").locator(".budget")).toHaveValue("200,000.50");
  await expect(bob.getByRole("columnheader", { name: /Budget \(CNY\)/ })).toBeVisible();
  await expect(bob.getByTestId("budget-total")).toHaveText("1,450,000.50 CNY");

  // Two people setting the sponsor and the manager at once do not undo each other.
  await projectRow(bob, "CRM").locator(".sponsor").fill("COO Liu");
  await projectRow(alice, "CRM").locator(".manager").fill("Sun Yu");
  await projectRow(bob, "CRM").locator(".sponsor").press("Enter");
  await projectRow(alice, "CRM").locator(".manager").press("Enter");
  for (const page of [alice, bob]) {
    await expect(projectRow(page, "CRM").locator(".sponsor")).toHaveValue("COO Liu");
    await expect(projectRow(page, "CRM").locator(".manager")).toHaveValue("Sun Yu");
  }
  // A budget that is no amount is refused in place.
  await commit(projectRow(bob, "ERP").locator(".budget"), "12,50");
  await expect(projectRow(bob, "ERP").getByRole("alert")).toContainText("the budget must be an amount");
  await expect(alice.getByTestId("budget-total")).toHaveText("1,450,000.50 CNY");
  expect(await projectNames(bob)).toEqual(["ERP", "CRM"]);
});

test("the resource plan shows one project or everyone's total, and weeks beyond the first twelve", async ({ browser }) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "Planning");
  await addProject(alice, "ERP");
  await addProject(alice, "CRM");
  await addPerson(alice, "Li Wei", 40);
  await setHours(alice, "ERP", "Li Wei", 0, 30);
  await setHours(alice, "CRM", "Li Wei", 0, 20);

  await bob.getByLabel("Everyone's total").check();
  await expect(bob.getByLabel("Project to plan")).toHaveCount(0);
  const cell = personCells(bob, "Li Wei").first();
  await expect(cell.locator("input")).toHaveCount(0);
  await expect(cell.locator(".total")).toHaveText("50/40");
  await expect(cell).toHaveClass(/over/);
  await bob.getByLabel("One project").check();
  await expect(bob.getByLabel("Project to plan")).toBeVisible();
  await expect(personCells(bob, "Li Wei").first().locator("input")).toBeVisible();

  // Twelve weeks at a time; Later shows the next ones, as far as needed.
  await expect(personCells(bob, "Li Wei")).toHaveCount(12);
  const firstShown = await bob.getByTestId("weeks-shown").textContent();
  for (let step = 0; step < 4; step++) {
    await bob.getByRole("button", { name: "Later →" }).click();
  }
  await expect(bob.getByTestId("weeks-shown")).not.toHaveText(firstShown);
  await expect(personCells(bob, "Li Wei")).toHaveCount(12);
  // The first week shown is now 16 weeks from this one: book it, Alice sees it there too.
  await setHours(bob, "ERP", "Li Wei", 0, 8);
  for (let step = 0; step < 4; step++) {
    await alice.getByRole("button", { name: "Later →" }).click();
  }
  await expect(personCells(alice, "Li Wei").first().locator(".total")).toHaveText("8/40");
  await alice.getByRole("button", { name: "This week" }).click();
  await expect(personCells(alice, "Li Wei").first().locator(".total")).toHaveText("50/40");
});

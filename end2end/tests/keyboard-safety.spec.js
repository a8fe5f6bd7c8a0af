// Keyboard paths and safety nets on the board: moving rows keeps the focus with the row,
// deleting asks first, and an unknown address says so.
import { test, expect } from "./fixtures.js";
import { TestServer } from "./server.js";
import { addPerson, addProject, ownBoard, personCells, projectNames, projectRow, setHours } from "./board-page.js";

let server;
test.beforeEach(async () => {
  server = await TestServer.start();
});
test.afterEach(async () => {
  await server.close();
});

test("a row moved with the keyboard keeps the focus: three places are three key presses", async ({ page }) => {
  await ownBoard(page, server, "Ranking");
  for (const name of ["A", "B", "C", "D"]) {
    await addProject(page, name);
  }
  await projectRow(page, "D").getByRole("button", { name: "Move up" }).focus();
  await page.keyboard.press("Enter");
  await expect.poll(() => projectNames(page)).toEqual(["A", "B", "D", "C"]);
  await page.keyboard.press("Enter");
  await expect.poll(() => projectNames(page)).toEqual(["A", "D", "B", "C"]);
  await page.keyboard.press("Enter");
  await expect.poll(() => projectNames(page)).toEqual(["D", "A", "B", "C"]);
  // At the top "Move up" is off, and the focus is on the row's other move button.
  await expect(projectRow(page, "D").getByRole("button", { name: "Move up" })).toBeDisabled();
  await expect(projectRow(page, "D").getByRole("button", { name: "Move down" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect.poll(() => projectNames(page)).toEqual(["A", "D", "B", "C"]);
  await expect(projectRow(page, "D").getByRole("button", { name: "Move down" })).toBeFocused();
  // The last row cannot move down.
  await expect(projectRow(page, "C").getByRole("button", { name: "Move down" })).toBeDisabled();
  await expect(projectRow(page, "B").getByRole("button", { name: "Move down" })).toBeEnabled();
});

test("deleting a project asks first and says that its bookings go too", async ({ page }) => {
  await ownBoard(page, server, "Deleting");
  await addProject(page, "ERP");
  await addProject(page, "CRM");
  await addPerson(page, "Li Wei", 40);
  await setHours(page, "ERP", "Li Wei", 0, 8);
  await setHours(page, "ERP", "Li Wei", 1, 4);
  await expect(personCells(page, "Li Wei").nth(1).locator(".total")).toHaveText("4/40");

  const erp = projectRow(page, "ERP");
  await erp.getByRole("button", { name: "Delete project" }).click();
  const confirm = erp.getByTestId("confirm-delete");
  await expect(confirm).toContainText("Delete “ERP”? Its 2 bookings in the resource plan go too.");
  await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(confirm).toHaveCount(0);
  await expect(erp.getByRole("button", { name: "Delete project" })).toBeFocused();
  expect(await projectNames(page)).toEqual(["ERP", "CRM"]);

  // Escape backs out too.
  await page.keyboard.press("Enter");
  await expect(confirm).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(confirm).toHaveCount(0);
  expect(await projectNames(page)).toEqual(["ERP", "CRM"]);

  await erp.getByRole("button", { name: "Delete project" }).click();
  await confirm.getByRole("button", { name: "Delete", exact: true }).click();
  await expect.poll(() => projectNames(page)).toEqual(["CRM"]);
  await expect(personCells(page, "Li Wei").nth(1).locator(".total")).toHaveText("0/40");
});

test("an unknown address says there is no such page", async ({ page }) => {
  const { board } = await ownBoard(page, server, "Somewhere");
  for (const path of ["/no/such/page", `/board/${board.documentId}/no-such-page`]) {
    const response = await page.goto(`${server.url}${path}`);
    // The server answers with the app's shell (a 404 for a path that is nothing at all).
    expect([200, 404]).toContain(response.status());
    await expect(page.getByText("There is no such page.")).toBeVisible();
    await expect(page.getByRole("link", { name: "See all boards" })).toBeVisible();
  }
});

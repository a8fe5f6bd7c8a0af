// axe-core on every page of the app, in the states a PMO member meets them in: signed out, the
// board list, a board with an over-capacity week, a refused value and a delete to confirm, a
// viewer's board, and an address that is nothing. Serious and critical issues fail the test.
import { test, expect } from "./fixtures.js";
import { TestServer } from "./server.js";
import {
  addPerson, addProject, expectAccessible, openBoard, ownBoard, personCells, projectRow, setHours,
} from "./board-page.js";

let server;
test.beforeEach(async () => {
  server = await TestServer.start();
});
test.afterEach(async () => {
  await server.close();
});

test("every page passes axe-core without serious issues", async ({ browser, page }) => {
  await page.goto(server.url);
  await expect(page.getByRole("heading", { name: /Sign in/ })).toBeVisible();
  await expectAccessible(page, "the sign-in page");

  const { owner, board } = await ownBoard(page, server, "Accessible review");
  await addProject(page, "ERP");
  await addProject(page, "CRM");
  await addPerson(page, "Li Wei", 40);
  await setHours(page, "ERP", "Li Wei", 0, 30);
  await setHours(page, "CRM", "Li Wei", 0, 20);
  await expect(personCells(page, "Li Wei").first()).toHaveClass(/over/);
  // Over capacity is said in words to screen readers, not only in red.
  const cell = personCells(page, "Li Wei").first().locator("input");
  await expect(cell).toHaveAccessibleDescription(/50\/40.*over capacity/);
  await expect(personCells(page, "Li Wei").nth(1).locator("input")).not.toHaveAccessibleDescription(/over capacity/);
  await expectAccessible(page, "a board page");

  // A refused value and a delete waiting for confirmation.
  const budget = projectRow(page, "ERP").locator(".budget");
  await budget.fill("-5");
  await budget.press("Enter");
  await expect(budget).toHaveAttribute("aria-invalid", "true");
  await projectRow(page, "CRM").getByRole("button", { name: "Delete project" }).click();
  await expect(page.getByTestId("confirm-delete")).toBeVisible();
  await expectAccessible(page, "a board page with a refused value and a delete to confirm");

  // The owner's own row offers to leave, and says so on the button itself.
  await expect(page.getByTestId("member-row").getByRole("button", { name: "Leave this board" })).toHaveText("Leave this board");

  await page.goto(server.url);
  await expect(page.getByRole("link", { name: board.name })).toBeVisible();
  await expectAccessible(page, "the board list");

  await page.goto(`${server.url}/no/such/page`);
  await expect(page.getByText("There is no such page.")).toBeVisible();
  await expectAccessible(page, "an unknown address");

  const victor = await server.signUp("victor@example.com", "Victor");
  await server.addMember(owner, board, victor, "viewer");
  const viewer = await server.pageAs(browser, victor);
  await openBoard(viewer, server, board);
  await expect(viewer.getByTestId("view-only")).toBeVisible();
  await expectAccessible(viewer, "a viewer's board page");
});

// A member's role changes while they have the board open: the page follows at once, without a
// reload, says so, and a change the server refused is set aside where the person can copy it,
// never shown as saved and never sent later.
import { test, expect } from "./fixtures.js";
import { TestServer } from "./server.js";
import { addProject, aliceAndBobOnABoard, badge, expectAllSaved, projectNames, projectRow } from "./board-page.js";

let server;
test.beforeEach(async () => {
  server = await TestServer.start();
});
test.afterEach(async () => {
  await server.close();
});

async function setRole(owner, board, member, role) {
  await server.api(owner, "PUT", `/api/boards/${board.documentId}/members/${member.account.id}`, { role }, [200]);
}

test("a member demoted and promoted while the board is open follows at once, without a reload", async ({ browser }) => {
  const { board, alice, bob, pages: [alicePage, bobPage] } = await aliceAndBobOnABoard(browser, server, "Live roles");
  await addProject(alicePage, "ERP");
  await expect.poll(() => projectNames(bobPage)).toEqual(["ERP"]);
  await expect(projectRow(bobPage, "ERP").locator(".project-name")).toBeEnabled();

  await setRole(alice, board, bob, "viewer");
  await expect(bobPage.getByTestId("view-only")).toBeVisible({ timeout: 5_000 });
  await expect(bobPage.getByTestId("role-changed")).toContainText("you are now a viewer");
  await expect(projectRow(bobPage, "ERP").locator(".project-name")).toBeDisabled();
  await expect(bobPage.getByLabel("New project name")).toBeDisabled();
  await expect(badge(bobPage)).toHaveText("Online · up to date");

  await setRole(alice, board, bob, "editor");
  await expect(bobPage.getByTestId("view-only")).toHaveCount(0, { timeout: 5_000 });
  await expect(bobPage.getByTestId("role-changed")).toContainText("you are now an editor");
  await addProject(bobPage, "Bob's again");
  await expect.poll(() => projectNames(alicePage)).toEqual(["ERP", "Bob's again"]);
  await expectAllSaved(bobPage);
});

test("a change the server refused is set aside to copy, never shown as saved and never sent later", async ({ browser }) => {
  const { board, alice, bob, pages: [alicePage, bobPage] } = await aliceAndBobOnABoard(browser, server, "Refused");
  await addProject(alicePage, "ERP");
  const budget = projectRow(alicePage, "ERP").locator(".budget");
  await budget.fill("100000");
  await budget.press("Enter");
  await expect(projectRow(bobPage, "ERP").locator(".budget")).toHaveValue("100,000");

  // Bob works offline; meanwhile Alice makes him a viewer.
  await server.pagesWorkOffline();
  await bobPage.context().setOffline(true);
  await expect(badge(bobPage)).toHaveAttribute("data-state", "offline");
  const bobsBudget = projectRow(bobPage, "ERP").locator(".budget");
  await bobsBudget.fill("5");
  await bobsBudget.press("Enter");
  await expect(badge(bobPage)).toHaveText("Offline — 1 change kept on this device");
  await setRole(alice, board, bob, "viewer");
  await bobPage.context().setOffline(false);

  // Back online, Bob's page learns his role, takes the refused change off the board and keeps
  // it aside, in words, to copy.
  await expect(bobPage.getByTestId("view-only")).toBeVisible({ timeout: 5_000 });
  const kept = bobPage.getByTestId("set-aside");
  await expect(kept).toContainText("Not saved: you became a viewer");
  await expect(bobPage.getByTestId("set-aside-text")).toHaveValue("Project “ERP”: budget 5 (saved: 100,000)");
  await expect(bobsBudget).toHaveValue("100,000");
  await expect(badge(bobPage)).toHaveText("Online · up to date");
  await expect(badge(bobPage)).toHaveAttribute("data-unsynced", "0");

  // A reload shows the board as the server holds it, and still what was set aside.
  await bobPage.reload();
  await expect(bobPage.getByTestId("board-name")).toHaveText(board.name);
  await expect(projectRow(bobPage, "ERP").locator(".budget")).toHaveValue("100,000");
  await expect(bobPage.getByTestId("set-aside-text")).toHaveValue("Project “ERP”: budget 5 (saved: 100,000)");

  // Made an editor again, Bob's old change is not replayed behind his back.
  await setRole(alice, board, bob, "editor");
  await expect(bobPage.getByTestId("view-only")).toHaveCount(0, { timeout: 5_000 });
  await expectAllSaved(bobPage);
  await alicePage.waitForTimeout(1_500);
  await expect(budget).toHaveValue("100,000");
  await expect(projectRow(bobPage, "ERP").locator(".budget")).toHaveValue("100,000");
  await bobPage.getByRole("button", { name: "Dismiss" }).click();
  await expect(bobPage.getByTestId("set-aside")).toHaveCount(0);
});

test("a setting changed offline by an owner who is an editor when it arrives is set aside, saying only the owner changes the settings", async ({ browser }) => {
  const { board, alice, bob, pages: [alicePage, bobPage] } = await aliceAndBobOnABoard(browser, server, "Owners");
  await setRole(alice, board, bob, "owner");
  await bobPage.goto(`${server.url}/board/${board.documentId}/settings`);
  const currency = bobPage.getByTestId("currency");
  await expect(currency).toBeEnabled({ timeout: 30_000 });

  // Bob, an owner, changes the currency offline; meanwhile Alice makes him an editor.
  await bobPage.context().setOffline(true);
  await expect(badge(bobPage)).toHaveAttribute("data-state", "offline");
  await currency.fill("EUR");
  await currency.press("Enter");
  await expect(badge(bobPage)).toHaveText("Offline — 1 change kept on this device");
  await setRole(alice, board, bob, "editor");
  await bobPage.context().setOffline(false);

  // The server refuses the change for who sent it, and the page says so, not that it would
  // break the board; the change is off the board and never sent again.
  const kept = bobPage.getByTestId("set-aside");
  await expect(kept.locator("h2")).toHaveText("Not saved: Only the board's owner can change the settings.", { timeout: 15_000 });
  await expect(currency).toHaveValue("CNY");
  await expect(badge(bobPage)).toHaveAttribute("data-unsynced", "0");
  await expect(bobPage.getByTestId("device-problem"), "the server's English is not shown").toBeEmpty();
  if (process.env.PMO_SCREENSHOTS) {
    await kept.screenshot({ path: `${process.env.PMO_SCREENSHOTS}/set-aside-owner-only-en.png` });
  }

  // The same, kept on the device, in Chinese.
  const context = await browser.newContext({ locale: "zh-CN" });
  try {
    await context.addCookies(server.cookies(bob));
    const zh = await context.newPage();
    await zh.goto(`${server.url}/board/${board.documentId}/settings`);
    await expect(zh.getByTestId("currency")).toHaveValue("CNY", { timeout: 30_000 });
    const stored = await bobPage.evaluate(() => Object.entries(localStorage).filter(([key]) => key.startsWith("pmo-board/set-aside/")));
    expect(stored).toHaveLength(1);
    await zh.evaluate(([key, value]) => localStorage.setItem(key, value), stored[0]);
    await zh.reload();
    await expect(zh.getByTestId("set-aside").locator("h2")).toHaveText("未保存：只有看板所有者可以修改设置。", { timeout: 30_000 });
    if (process.env.PMO_SCREENSHOTS) {
      await zh.getByTestId("set-aside").screenshot({ path: `${process.env.PMO_SCREENSHOTS}/set-aside-owner-only-zh.png` });
    }
  } finally {
    await context.close();
  }
  await alicePage.waitForTimeout(1_000);
  await alicePage.goto(`${server.url}/board/${board.documentId}/settings`);
  await expect(alicePage.getByTestId("currency")).toHaveValue("CNY", { timeout: 30_000 });
});

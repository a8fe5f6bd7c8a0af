import { test, expect } from "./fixtures.js";
import { TestServer } from "./server.js";
import { addProject, expectAllSaved, openBoard, projectNames, projectRow } from "./board-page.js";

let server;
test.beforeEach(async () => { server = await TestServer.start(); });
test.afterEach(async () => { await server.stop(); });

for (const lang of ["en", "zh"]) {
  test(`scenario screenshots ${lang}`, async ({ browser }) => {
    const alice = await server.signUp(`alice-${lang}@example.com`, "Alice");
    await server.api(alice, "PUT", "/api/auth/language", { language: lang }, [204]);
    const board = await server.createBoard(alice, "Portfolio 2027");
    const page = await server.pageAs(browser, await server.signIn(alice));
    await page.setViewportSize({ width: 1280, height: 900 });
    await openBoard(page, server, board);
    await expect(page.locator("html")).toHaveAttribute("lang", lang);
    const nav = page.getByRole("navigation");
    for (const name of ["Apollo", "Zeus"]) {
      await page.locator("form.add-project input").fill(name);
      await page.locator("form.add-project input").press("Enter");
      await expect.poll(() => projectNames(page)).toContain(name);
    }
    await expect.poll(() => projectNames(page)).toHaveLength(2);
    await page.goto(`${server.url}/board/${board.documentId}/scenarios`);
    await expect(page.getByTestId("no-scenarios")).toBeVisible();
    await page.screenshot({ path: `/tmp/shots-scenarios/${lang}-1-empty.png`, fullPage: true });
    await page.getByTestId("new-scenario").click();
    await page.screenshot({ path: `/tmp/shots-scenarios/${lang}-2-name-needed.png`, fullPage: true });
    await page.getByTestId("scenario-name").fill(lang === "zh" ? "砍掉宙斯项目" : "Drop Zeus");
    await page.getByTestId("scenario-name").press("Enter");
    await expect(page.getByTestId("scenario-banner")).toBeVisible();
    await expect.poll(() => projectNames(page)).toHaveLength(2);
    await page.locator("[data-testid=project-row]").nth(1).locator(".budget").fill("50000");
    await page.locator("[data-testid=project-row]").nth(1).locator(".budget").press("Enter");
    await expectAllSaved(page);
    await page.screenshot({ path: `/tmp/shots-scenarios/${lang}-3-scenario-board.png`, fullPage: true });
    await page.getByTestId("scenario-banner").locator("a").nth(1).click();
    await page.getByTestId("compare-scenario").click();
    await expect(page.getByTestId("comparison")).toBeVisible();
    await page.getByTestId("merge-scenario").click();
    await page.screenshot({ path: `/tmp/shots-scenarios/${lang}-4-this-scenario-confirm.png`, fullPage: true });
    await page.getByTestId("confirm-scenario-action").click();
    await expect(page.getByTestId("scenario-status")).not.toBeEmpty();
    await page.screenshot({ path: `/tmp/shots-scenarios/${lang}-5-merged.png`, fullPage: true });
    await page.getByTestId("back-to-board").click();
    await page.goto(`${server.url}/board/${board.documentId}/scenarios`);
    await expect(page.getByTestId("scenario-row")).toHaveCount(1);
    await page.getByTestId("compare-scenario").click();
    await expect(page.getByTestId("comparison")).toBeVisible();
    await page.screenshot({ path: `/tmp/shots-scenarios/${lang}-6-list-compare.png`, fullPage: true });
    await page.getByTestId("discard-scenario").click();
    await page.screenshot({ path: `/tmp/shots-scenarios/${lang}-7-discard-confirm.png`, fullPage: true });
  });
}

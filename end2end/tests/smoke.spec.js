import { test, expect } from "@playwright/test";
import { TestServer } from "./server.js";

test("smoke", async ({ page }) => {
  const server = await TestServer.start();
  try {
    const board = await server.createBoard("Smoke");
    await page.goto(`${server.url}/board/${board.documentId}`);
    await expect(page.getByTestId("board-name")).toHaveText("Smoke");
    await page.getByLabel("New project name").fill("ERP");
    await page.getByLabel("New project name").press("Enter");
    await page.getByLabel("New project name").fill("CRM");
    await page.getByLabel("New project name").press("Enter");
    await page.getByLabel("New person name").fill("Li Wei");
    await page.getByLabel("New person name").press("Enter");
    await expect(page.getByTestId("project-row")).toHaveCount(2);
    await page.screenshot({ path: "/tmp/smoke.png", fullPage: true });
    await page.goto(server.url);
    await page.screenshot({ path: "/tmp/smoke-list.png", fullPage: true });
  } finally {
    await server.stop();
  }
});

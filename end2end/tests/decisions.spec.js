// The decision pages (dashboard, strategy, scoring, selection, settings), with two members in
// two browser profiles: what one changes shows with recomputed figures for the other, viewers
// read only, and the pages work offline. Set PMO_SCREENSHOTS=<dir> to save a screenshot of
// every page as the tests go.
import { test, expect } from "@playwright/test";
import { TestServer } from "./server.js";
import { openBoard, projectNames } from "./board-page.js";
import { seedPortfolio } from "./decisions-seed.js";

let server;
test.beforeEach(async () => {
  server = await TestServer.start();
});
test.afterEach(async () => {
  await server.stop();
});

async function shot(page, name) {
  if (process.env.PMO_SCREENSHOTS) {
    await page.screenshot({ path: `${process.env.PMO_SCREENSHOTS}/${name}.png`, fullPage: true });
  }
}

/**
 * Alice owns a seeded portfolio; Bob is an editor (or `bobRole`). Both open `page` of it, each
 * in a browser profile of their own.
 */
async function twoMembers(browser, page, bobRole = "editor") {
  const alice = await server.signUp("alice@example.com", "Alice");
  const bob = await server.signUp("bob@example.com", "Bob");
  const board = await server.createBoard(alice, "2027 portfolio");
  await server.addMember(alice, board, bob, bobRole);
  const ids = await seedPortfolio(server, alice, board);
  const pages = [];
  for (const user of [alice, bob]) {
    const tab = await server.pageAs(browser, user);
    await tab.setViewportSize({ width: 1280, height: 900 });
    await openBoard(tab, server, board);
    await expect.poll(() => projectNames(tab)).toEqual(["ERP upgrade", "CRM rollout", "Data platform", "Mobile app", "Legacy retire"]);
    await tab.getByRole("navigation", { name: "Board pages" }).getByRole("link", { name: new RegExp(`^${page}`) }).click();
    pages.push(tab);
  }
  return { board, ids, alice, bob, pages };
}

function kpi(page, id) {
  return page.getByTestId(`kpi-${id}`).locator(".kpi-figure");
}

test("dashboard: KPIs, RAG and the bubble chart follow a colleague's edits", async ({ browser }) => {
  const { board, ids, pages: [alice, bob] } = await twoMembers(browser, "Dashboard");
  await expect(alice).toHaveURL(new RegExp(`/board/${board.documentId}/dashboard$`));
  // CPI: ΣEV (160,000 + 80,000) ÷ ΣAC (180,000 + 76,000) = 0.9375 → 0.94 (ERP and the closed
  // Legacy have figures). SPI: 240,000 ÷ 280,000 = 0.857 → 0.86. Milestones: 1 of 2 on time.
  for (const page of [alice, bob]) {
    await expect(kpi(page, "cpi")).toHaveText("0.94");
    await expect(kpi(page, "spi")).toHaveText("0.86");
    await expect(kpi(page, "milestones")).toHaveText("50%");
    await expect(kpi(page, "success-rate")).toHaveText("100%");
  }
  // How a figure was computed shows on focus.
  const how = alice.getByTestId("kpi-cpi").locator(".kpi-how");
  await expect(how).toBeHidden();
  await alice.getByTestId("kpi-cpi").focus();
  await expect(how).toBeVisible();
  await expect(how).toHaveText("ΣEV 240,000 ÷ ΣAC 256,000 over 3 projects with earned value (below 1: the work cost more than budgeted)");
  // ERP: CPI 0.889, SPI 0.8 → computed red, its manager says green.
  await expect(alice.getByTestId("rag-computed").locator("td").nth(2)).toHaveText("1");
  await expect(alice.getByTestId("rag-manual").locator("td").nth(0)).toHaveText("1");
  await expect(alice.getByTestId("rag-differ")).toHaveText("1 project's computed RAG differs from its manager's: worth a question.");
  await expect(alice.getByTestId("bubble")).toHaveCount(4);
  await expect(alice.locator(`[data-testid=bubble][data-project-id="${ids.erp}"]`)).toHaveAttribute("href", `/board/${board.documentId}/project/${ids.erp}`);
  await shot(alice, "dashboard");

  // Bob makes Data platform active on the priorities page: ERP, CRM and it need 400,000 +
  // 250,000 + 300,000 = 950,000 of the 900,000 envelope, and the warning links to the settings.
  await expect(alice.getByTestId("no-warnings")).toBeVisible();
  await bob.getByRole("link", { name: /^Priorities/ }).click();
  const stage = (name) => bob.locator("[data-testid=project-row]").filter({ has: bob.locator(`.project-name[value="${name}"]`) }).getByLabel("Stage");
  await stage("Data platform").selectOption("active");
  const warning = alice.getByTestId("dashboard-warning");
  await expect(warning).toHaveText("approved and active projects need 950000 of a budget envelope of 900000 — Budget envelope");
  await expect(warning.getByRole("link")).toHaveAttribute("href", `/board/${board.documentId}/settings`);
  // Data platform now counts as committed: one more project not rated on the computed side.
  await expect(alice.getByTestId("rag-computed").locator("td").nth(3)).toHaveText("2");
});

// (path, navigation label, Chinese term, the page's first heading)
const PAGES = [
  ["dashboard", "Dashboard", "仪表板", "Dashboard 仪表板"],
  ["strategy", "Strategy", "战略对齐", "Strategic objectives 战略目标"],
  ["scoring", "Scoring", "评分与优先级", "Criteria 评分标准"],
  ["selection", "Selection", "项目组合选择", "Portfolio selection 项目组合选择"],
  ["settings", "Settings", "设置", "Settings 设置"],
];

test("every decision page is in the board's navigation, a deep link, and opens offline after a reload", async ({ browser }) => {
  const alice = await server.signUp("alice@example.com", "Alice");
  const board = await server.createBoard(alice, "2027 portfolio");
  await seedPortfolio(server, alice, board);
  const page = await server.pageAs(browser, alice);
  await page.setViewportSize({ width: 1280, height: 900 });
  await openBoard(page, server, board);
  await expect.poll(() => projectNames(page)).toHaveLength(5);
  const nav = page.getByRole("navigation", { name: "Board pages" });
  for (const [path, label, zh, heading] of PAGES) {
    await nav.getByRole("link", { name: `${label} ${zh}` }).click();
    await expect(page).toHaveURL(`${server.url}/board/${board.documentId}/${path}`);
    await expect(nav.getByRole("link", { name: `${label} ${zh}` })).toHaveAttribute("aria-current", "page");
    await expect(page.locator("main h2").first()).toHaveText(heading);
    await shot(page, path);
  }
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });

  await server.stop();
  for (const [path, , , heading] of PAGES) {
    await page.goto(`${server.url}/board/${board.documentId}/${path}`);
    await expect(page.getByTestId("board-name")).toHaveText("2027 portfolio");
    await expect(page.locator("main h2").first()).toHaveText(heading);
  }
  // Offline, the figures are still computed from the board on this device.
  await page.goto(`${server.url}/board/${board.documentId}/dashboard`);
  await expect(page.getByTestId("kpi-cpi").locator(".kpi-figure")).toHaveText("0.94");
  await page.goto(`${server.url}/board/${board.documentId}/strategy`);
  // Data platform: 0.5 × 0.5 (growth) + 2/6 × 0.6 (efficiency) = 0.45.
  await expect(page.getByTestId("alignment-row").first()).toContainText("Data platform");
  await expect(page.getByTestId("alignment-score").first()).toHaveText("0.45");
});

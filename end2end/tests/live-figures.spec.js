// A colleague's change while a page is open. The pages keep what a change does not touch
// (shared::dashboard::LiveDashboard and LiveWorth, views::report::LiveReport, the selection's
// LiveValues and LiveProblem) and write again only the bubbles that changed (BubbleChart): these
// check that what a change does touch shows at once, whichever shortcut it went through. The
// colleague is a script (a Node automerge-repo client with an API token), as in the browser
// benchmark.
import { Repo } from "@automerge/automerge-repo";
import { BrowserWebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import { test, expect } from "./fixtures.js";
import { TestServer } from "./server.js";
import { openBoard, projectNames } from "./board-page.js";
import { seedPortfolio } from "./decisions-seed.js";

let server;
let repo;
test.beforeEach(async () => {
  server = await TestServer.start();
});
test.afterEach(async () => {
  await repo?.shutdown();
  repo = undefined;
  await server.close();
});

/**
 * Alice's seeded portfolio (decisions-seed.js) open on `page` in her browser, and Bob, an
 * editor, changing it from a script: `change(fn)` applies `fn` to the document.
 */
async function aliceWatchesBobChange(browser, page) {
  const alice = await server.signUp("alice@example.com", "Alice");
  const bob = await server.signUp("bob@example.com", "Bob");
  const board = await server.createBoard(alice, "2027 portfolio");
  await server.addMember(alice, board, bob, "editor");
  const ids = await seedPortfolio(server, alice, board);
  const tab = await server.pageAs(browser, alice);
  await tab.setViewportSize({ width: 1280, height: 900 });
  await openBoard(tab, server, board);
  await expect.poll(() => projectNames(tab)).toHaveLength(5);
  await tab.getByRole("navigation", { name: "Board pages" }).getByRole("link", { name: page, exact: true }).click();
  const token = await server.createToken(bob, "colleague");
  repo = new Repo({
    network: [new BrowserWebSocketClientAdapter(`ws://127.0.0.1:${server.port}/sync?token=${encodeURIComponent(token)}`)],
  });
  await expect.poll(() => repo.peers.length).toBeGreaterThan(0);
  const handle = await repo.find(board.id);
  await handle.whenReady?.();
  return { tab, ids, change: (fn) => handle.change(fn) };
}

test("the dashboard's bubbles and KPIs follow a colleague's budget, score and risk", async ({ browser }) => {
  const { tab, ids, change } = await aliceWatchesBobChange(browser, "Dashboard");
  const bubble = (id) => tab.locator(`[data-testid=bubble-chart] [data-testid=bubble][data-project-id="${id}"]`);
  const variance = tab.getByTestId("kpi-budget-variance").locator(".kpi-how");
  await expect(bubble(ids.crm)).toHaveAttribute("aria-label", /budget 250,000, /);
  // ERP, CRM (approved) and the closed Legacy have earned-value figures.
  await expect(variance).toHaveText(/^\(Σbudget 730,000 − ΣEAC /);

  // One bubble written again: CRM's.
  change((doc) => {
    doc.projects[ids.crm].budget = 260000;
  });
  await expect(bubble(ids.crm)).toHaveAttribute("aria-label", /budget 260,000, /);
  await expect(bubble(ids.erp)).toHaveAttribute("aria-label", /budget 400,000, /);
  await expect(tab.getByTestId("bubble")).toHaveCount(4);

  // The largest budget resizes every bubble (drawn whole), and the budget variance counts it.
  change((doc) => {
    doc.projects[ids.erp].budget = 2000000;
  });
  await expect(bubble(ids.erp)).toHaveAttribute("aria-label", /budget 2,000,000, /);
  await expect(variance).toHaveText(/^\(Σbudget 2,340,000 − ΣEAC /);
  const radius = Number(await bubble(ids.erp).locator("circle").getAttribute("r"));
  expect(radius).toBeCloseTo(30, 0);

  // A budget that moves a bubble in the drawing order (largest first, so the small ones lie on
  // top): Mobile app's bubble is written again and moved ahead of Data platform's and CRM's.
  change((doc) => {
    doc.projects[ids.mobile].budget = 500000;
  });
  await expect(bubble(ids.mobile)).toHaveAttribute("aria-label", /budget 500,000, /);
  const order = () => tab.locator("[data-testid=bubble-chart] [data-testid=bubble]")
    .evaluateAll((bubbles) => bubbles.map((bubble) => bubble.dataset.projectId));
  await expect.poll(order).toEqual([ids.erp, ids.mobile, ids.data, ids.crm]);

  // A score: what projects are worth is computed again. CRM's value 6 → 10 of 4‥10, its risk
  // 2 of 1‥5 (less is better): 0.75 × 1 + 0.25 × 0.75 = 0.94.
  change((doc) => {
    doc.scores[`${ids.crm}/${ids.value}`] = 10;
  });
  await expect(bubble(ids.crm)).toHaveAttribute("aria-label", /^CRM rollout: value 0\.94 /);

  // A risk: the exposure is computed again.
  change((doc) => {
    doc.risks["r-breach"] = { project: ids.crm, title: "Data breach", probability: 5, impact: 5, owner: "Wang", roam: "owned" };
  });
  await expect(bubble(ids.crm)).toHaveAttribute("aria-label", /highest open risk 25, /);
  await expect(tab.getByTestId("bubble")).toHaveCount(4);
});

test("the selection's candidates follow a colleague's budget and score", async ({ browser }) => {
  const { tab, ids, change } = await aliceWatchesBobChange(browser, "Selection");
  const row = (id) => tab.locator(`[data-testid=candidate-row][data-project-id="${id}"]`);
  // CRM: 100 × 0.4875, the value before the colleague's score.
  await expect(row(ids.crm).locator("td").nth(2)).toHaveText("48.8");
  await expect(row(ids.crm).locator("td").nth(3)).toHaveText("250,000");
  change((doc) => {
    doc.projects[ids.crm].budget = 260000;
  });
  await expect(row(ids.crm).locator("td").nth(3)).toHaveText("260,000");
  await expect(row(ids.crm).locator("td").nth(2)).toHaveText("48.8");
  change((doc) => {
    doc.scores[`${ids.crm}/${ids.value}`] = 10;
  });
  await expect(row(ids.crm).locator("td").nth(2)).toHaveText("93.8");
  // Wang Fang leaves the developers: the demand and capacity are read again, and the exact
  // selection still runs on the board as it is now.
  change((doc) => {
    doc.people[ids.wang].role = "analyst";
  });
  await tab.getByTestId("run-selection").click();
  await expect(tab.getByTestId("chosen-value")).toBeVisible();
  await expect(tab.locator("[data-testid=comparison-row]")).toHaveCount(4);
});

test("the review's KPIs, red projects and risks follow a colleague's budget and risk", async ({ browser }) => {
  const { tab, ids, change } = await aliceWatchesBobChange(browser, "Review");
  const kpis = tab.getByTestId("report-kpis");
  const red = tab.getByTestId("report-red");
  const risks = tab.getByTestId("report-risks");
  await expect(kpis).toContainText("(Σbudget 730,000 − ΣEAC ");
  // ERP's computed RAG is red (CPI 0.89, SPI 0.8): its budget is in the red projects' table.
  await expect(red).toContainText("400,000");
  change((doc) => {
    doc.projects[ids.erp].budget = 2000000;
  });
  await expect(red).toContainText("2,000,000");
  await expect(kpis).toContainText("(Σbudget 2,330,000 − ΣEAC ");
  await expect(tab.locator("[data-testid=report-bubble-chart] [data-testid=bubble]")).toHaveCount(4);
  await expect(tab.locator(`[data-testid=report-bubble-chart] [data-project-id="${ids.erp}"]`))
    .toHaveAttribute("aria-label", /budget 2,000,000, /);
  change((doc) => {
    doc.risks["r-breach"] = { project: ids.crm, title: "Data breach", probability: 5, impact: 5, owner: "Wang", roam: "owned" };
  });
  await expect(risks.locator("tbody tr").first()).toContainText("Data breach");
});

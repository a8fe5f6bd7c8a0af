// The decision pages (dashboard, strategy, scoring, selection, settings), with two members in
// two browser profiles: what one changes shows with recomputed figures for the other, viewers
// read only, and the pages work offline. Set PMO_SCREENSHOTS=<dir> to save a screenshot of
// every page as the tests go.
import { test, expect } from "./fixtures.js";
import { TestServer } from "./server.js";
import { openBoard, projectNames } from "./board-page.js";
import { seedPortfolio } from "./decisions-seed.js";

let server;
test.beforeEach(async () => {
  server = await TestServer.start();
});
test.afterEach(async () => {
  await server.close();
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
  await expect(warning).toHaveText("approved and active projects need 950,000 of a budget envelope of 900,000 — Budget envelope");
  await expect(warning.getByRole("link")).toHaveAttribute("href", `/board/${board.documentId}/settings`);
  // Data platform now counts as committed: one more project not rated on the computed side.
  await expect(alice.getByTestId("rag-computed").locator("td").nth(3)).toHaveText("2");
});

// (path, navigation label, the page's first heading)
const PAGES = [
  ["dashboard", "Dashboard", "Dashboard"],
  ["strategy", "Strategy", "Strategic objectives"],
  ["scoring", "Scoring", "Criteria"],
  ["selection", "Selection", "Portfolio selection"],
  ["settings", "Settings", "Settings"],
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
  for (const [path, label, heading] of PAGES) {
    await nav.getByRole("link", { name: label, exact: true }).click();
    await expect(page).toHaveURL(`${server.url}/board/${board.documentId}/${path}`);
    await expect(nav.getByRole("link", { name: label, exact: true })).toHaveAttribute("aria-current", "page");
    await expect(page.locator("main h2").first()).toHaveText(heading);
    await shot(page, path);
  }
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });

  await server.stop();
  for (const [path, , heading] of PAGES) {
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

/** The contribution cell of the `row`-th project and `column`-th objective, as shown. */
function cell(page, row, column) {
  return page.locator(`[data-grid=contributions] [data-cell="${row}-${column}"]`);
}

test("strategy: objectives and contributions edited by one, alignment recomputed for the other", async ({ browser }) => {
  const { pages: [alice, bob] } = await twoMembers(browser, "Strategy");
  await expect(alice.getByTestId("alignment-row").first()).toContainText("Data platform");

  // Alice edits a cell from the keyboard only: from ERP × Revenue growth down to Mobile app and
  // right to Regulatory compliance, Enter, 0.9, Enter.
  await cell(alice, 0, 0).focus();
  for (const key of ["ArrowDown", "ArrowDown", "ArrowDown", "ArrowRight", "ArrowRight", "Enter"]) {
    await alice.keyboard.press(key);
  }
  await expect(cell(alice, 3, 2).locator("input")).toBeFocused();
  await alice.keyboard.type("0.9");
  await alice.keyboard.press("Enter");
  await expect(cell(alice, 3, 2)).toBeFocused();
  await expect(cell(bob, 3, 2)).toHaveText("0.9");
  // A contribution above 1 is refused in place, and nothing is written.
  await alice.keyboard.press("ArrowLeft");
  await alice.keyboard.press("Enter");
  await expect(cell(alice, 3, 1).locator("input")).toBeFocused();
  await alice.keyboard.type("1.5");
  await alice.keyboard.press("Enter");
  await expect(cell(alice, 3, 1).locator(".field-error")).toHaveText("The contribution must be at most 1, not 1.5.");
  await alice.keyboard.press("Escape");
  await expect(cell(alice, 3, 1)).toBeFocused();
  await expect(cell(bob, 3, 1)).toHaveText("");

  // Bob reweights Regulatory compliance from 1 to 5: weights 3, 2, 5 are 30 %, 20 %, 50 %.
  // Mobile app (0.4 growth, and Alice's 0.9 compliance) now leads: 0.3 × 0.4 + 0.5 × 0.9 = 0.57,
  // then ERP (0.8 efficiency, 0.5 compliance): 0.2 × 0.8 + 0.5 × 0.5 = 0.41.
  const compliance = bob.getByTestId("objective-row").filter({ has: bob.locator('.objective-name[value="Regulatory compliance"]') });
  await compliance.locator(".objective-weight").fill("5");
  await compliance.locator(".objective-weight").press("Enter");
  const aliceCompliance = alice.getByTestId("objective-row").filter({ has: alice.locator('.objective-name[value="Regulatory compliance"]') });
  await expect(aliceCompliance.getByTestId("objective-share")).toHaveText("50%");
  await expect(alice.getByTestId("alignment-row").first()).toContainText("Mobile app");
  await expect(alice.getByTestId("alignment-score").nth(0)).toHaveText("0.57");
  await expect(alice.getByTestId("alignment-row").nth(1)).toContainText("ERP upgrade");
  await expect(alice.getByTestId("alignment-score").nth(1)).toHaveText("0.41");

  // A new objective nobody serves is marked for both; a bad weight is refused in place.
  await alice.getByLabel("New objective name").fill("Green IT");
  await alice.getByLabel("New objective weight").fill("-1");
  await alice.getByLabel("New objective weight").press("Enter");
  await expect(alice.getByTestId("add-objective-error")).toHaveText("The objective's weight must be a number of at least 0, not -1.");
  await expect(bob.getByTestId("objective-row")).toHaveCount(3);
  await alice.getByLabel("New objective weight").fill("1");
  await alice.getByLabel("New objective weight").press("Enter");
  await expect(alice.getByTestId("add-objective-error")).toHaveText("");
  const green = bob.getByTestId("objective-row").filter({ has: bob.locator('.objective-name[value="Green IT"]') });
  await expect(green.getByTestId("unserved")).toBeVisible();
  await expect(bob.getByTestId("unserved")).toHaveCount(1);
  await shot(bob, "strategy-after-edits");
});

test("scoring: a score changed by one reranks for the other, and the order goes into the priorities", async ({ browser }) => {
  const { ids, pages: [alice, bob] } = await twoMembers(browser, "Scoring");
  const ranked = (page) => page.locator("[data-testid=ranked-row]").evaluateAll((rows) => rows.map((row) => row.children[1].textContent));
  // Value 3, risk 1 (less is better): Data 0.75, ERP 0.6625, CRM 0.4875, Mobile 0.25.
  await expect.poll(() => ranked(alice)).toEqual(["Data platform", "ERP upgrade", "CRM rollout", "Mobile app"]);

  // Bob scores Mobile app 10 on value: value 6‥10 → ERP 0.5, CRM 0, Data 0.75, Mobile 1; risk
  // 1‥5 inverted → ERP 0.25, CRM 0.75, Data 0, Mobile 1. Totals: Mobile 1, Data 0.5625,
  // ERP 0.4375, CRM 0.1875.
  const score = bob.locator(`[data-testid=score-row][data-project-id="${ids.mobile}"] input.score`).first();
  await score.fill("10");
  await score.press("Enter");
  await expect.poll(() => ranked(alice)).toEqual(["Mobile app", "Data platform", "ERP upgrade", "CRM rollout"]);
  await expect(alice.getByTestId("ranked-score")).toHaveText(["1", "0.562", "0.438", "0.188"]);
  await expect(alice.getByTestId("ranked-row").first()).toContainText("↑ lifted by Strategic value +0.375");

  // A negative weight is refused beside the field; Bob still sees 3.
  const weight = alice.getByTestId("criterion-row").first().locator(".criterion-weight");
  await weight.fill("-1");
  await weight.press("Enter");
  await expect(alice.getByTestId("criterion-row").first().locator(".field:has(input.criterion-weight) .field-error")).toHaveText("The criterion's weight must be a number of at least 0, not -1.");
  await expect(bob.getByTestId("criterion-row").first().locator(".criterion-weight")).toHaveValue("3");
  await weight.press("Escape");

  // Alice applies the order: Mobile, Data, ERP, CRM take the first four places (all four
  // move), Legacy (closed, unranked) keeps the fifth.
  await alice.getByTestId("apply-order").click();
  await expect(alice.getByTestId("apply-outcome")).toHaveText("Applied: 4 projects moved in the priorities.");
  await shot(alice, "scoring-applied");
  const order = ["Mobile app", "Data platform", "ERP upgrade", "CRM rollout", "Legacy retire"];
  await bob.getByRole("link", { name: /^Priorities/ }).click();
  await expect.poll(() => projectNames(bob)).toEqual(order);
  await alice.reload();
  await alice.getByRole("link", { name: /^Priorities/ }).click();
  await expect.poll(() => projectNames(alice)).toEqual(order);

  // WSJF: Bob gives ERP its inputs on the scoring page; Alice, ranking by WSJF, sees
  // (8 + 5 + 3) ÷ 8 = 2, and the others waiting for theirs.
  await bob.getByRole("link", { name: /^Scoring/ }).click();
  await bob.getByLabel("WSJF").check();
  const erp = bob.locator(`[data-testid=wsjf-row][data-project-id="${ids.erp}"] input.estimate`);
  for (const [index, value] of [[0, "8"], [1, "5"], [2, "3"], [3, "8"]]) {
    await erp.nth(index).fill(value);
    await erp.nth(index).press("Enter");
  }
  await alice.getByRole("link", { name: /^Scoring/ }).click();
  await alice.getByLabel("WSJF").check();
  await expect(alice.getByTestId("ranked-row").first()).toContainText("ERP upgrade");
  await expect(alice.getByTestId("ranked-score").first()).toHaveText("2");
  await expect(alice.getByTestId("ranked-row").nth(1)).toContainText("needs business value, time criticality, risk reduction, job size");
});

test("selection: the exact portfolio against the current one, recorded as decisions that survive a reload", async ({ browser }) => {
  const { ids, pages: [alice, bob] } = await twoMembers(browser, "Selection");
  // Budget 900,000 (the envelope); ERP is active, so kept (400,000). Of the 500,000 left, Data
  // platform + Mobile app (450,000, value 75 + 25) beat CRM + Mobile (400,000, 48.75 + 25)
  // and Data alone; CRM and Data together cost 550,000.
  await expect(alice.getByTestId("selection-budget")).toHaveValue("900000");
  await alice.getByTestId("run-selection").click();
  await expect(alice.getByTestId("selection-status")).toContainText("Optimal: no portfolio within the budget and capacity is worth more");
  const change = (page, id) => page.locator(`[data-testid=comparison-row][data-project-id="${id}"]`);
  await expect(change(alice, ids.data)).toHaveAttribute("data-change", "in");
  await expect(change(alice, ids.mobile)).toHaveAttribute("data-change", "in");
  await expect(change(alice, ids.crm)).toHaveAttribute("data-change", "out");
  await expect(change(alice, ids.erp)).toHaveAttribute("data-change", "same");
  await expect(alice.getByTestId("chosen-cost")).toHaveText("850,000");
  await expect(alice.getByTestId("current-value")).toHaveText("115");
  // The frontier: 9 budget levels, of which the 7 from 412,500 up can hold ERP's 400,000.
  await expect(alice.getByTestId("frontier")).toHaveAttribute("data-points", "7");
  await shot(alice, "selection-run");

  // Forcing CRM in changes the answer: ERP + CRM leave 250,000, enough for Mobile app only.
  await alice.getByLabel("Force CRM rollout").selectOption("in");
  await expect(alice.getByTestId("selection-stale")).toBeVisible();
  await alice.getByTestId("run-selection").click();
  await expect(change(alice, ids.crm)).toHaveAttribute("data-change", "same");
  await expect(change(alice, ids.data)).toHaveAttribute("data-change", "same");
  await expect(change(alice, ids.mobile)).toHaveAttribute("data-change", "in");
  await alice.getByLabel("Force CRM rollout").selectOption("");
  await alice.getByTestId("run-selection").click();
  await expect(change(alice, ids.crm)).toHaveAttribute("data-change", "out");

  // A budget that is not a number is refused in place and the solver waits.
  await alice.getByTestId("selection-budget").fill("-5");
  await alice.getByTestId("selection-budget").press("Tab");
  await expect(alice.locator("#budget-error")).toHaveText("the budget must be a number of at least 0, for example 900000");
  await expect(alice.getByTestId("run-selection")).toBeDisabled();
  await alice.getByTestId("selection-budget").fill("900000");
  await alice.getByTestId("selection-budget").press("Tab");

  await alice.getByLabel("Decision note").fill("Q1 portfolio review");
  await alice.getByTestId("record-decision").click();
  await expect(alice.getByTestId("record-outcome")).toHaveText("Recorded 3 decisions.");
  for (const page of [alice, bob]) {
    await expect(page.getByTestId("decision-row")).toHaveCount(3);
    await expect(page.getByTestId("decision-row").filter({ hasText: "CRM rollout" })).toContainText("Reject");
    await expect(page.getByTestId("decision-row").filter({ hasText: "Data platform" })).toContainText("Approve");
    await expect(page.getByTestId("decision-row").first()).toContainText("Q1 portfolio review");
    await expect(page.getByTestId("decision-row").first()).toContainText("Alice");
  }
  await alice.reload();
  await expect(alice.getByTestId("decision-row")).toHaveCount(3);
});

test("settings: the owner's changes reach a colleague, who can only read them", async ({ browser }) => {
  const { pages: [alice, bob] } = await twoMembers(browser, "Settings");
  await expect(bob.getByTestId("settings-read-only")).toBeVisible();
  await expect(bob.getByTestId("currency")).toBeDisabled();
  await expect(bob.getByTestId("operating-model")).toBeDisabled();
  await expect(alice.getByTestId("settings-read-only")).toBeHidden();

  await alice.getByTestId("currency").fill("EURO");
  await alice.getByTestId("currency").press("Enter");
  await expect(alice.locator(".field-error").first()).toHaveText("“EURO” is not a currency code: use three letters, such as CNY or EUR.");
  await expect(bob.getByTestId("currency")).toHaveValue("CNY");
  await alice.getByTestId("currency").fill("eur");
  await alice.getByTestId("currency").press("Enter");
  await expect(bob.getByTestId("currency")).toHaveValue("EUR");

  await alice.getByTestId("operating-model").selectOption("matrix");
  await expect(bob.getByText("Stage gates are approved by the sponsor.")).toBeVisible();
  await alice.getByTestId("budget-envelope").fill("500000");
  await alice.getByTestId("budget-envelope").press("Enter");
  await expect(bob.getByTestId("budget-envelope")).toHaveValue("500000");
  // Amber above green is refused, nothing changes.
  await alice.getByTestId("rag-amber").fill("0.99");
  await alice.getByTestId("rag-amber").press("Enter");
  await expect(alice.locator(".field", { has: alice.getByTestId("rag-amber") }).locator(".field-error"))
    .toHaveText("The amber threshold (0.99) must be above 0 and at most the green one (0.95).");
  await expect(bob.getByTestId("rag-amber")).toHaveValue("0.85");

  await alice.getByLabel("Phase of the new checklist item").selectOption("closing");
  await alice.getByLabel("New checklist item", { exact: true }).fill("Benefits review planned 收益评审已安排");
  await alice.getByLabel("New checklist item", { exact: true }).press("Enter");
  await expect(bob.locator(".phase[data-phase=closing] [data-testid=gate-item]")).toHaveCount(4);
  await expect(bob.locator(".phase[data-phase=closing]")).toContainText("Benefits review planned 收益评审已安排");
  await alice.getByLabel("New checklist item", { exact: true }).press("Enter");
  await expect(alice.getByTestId("add-gate-error")).toHaveText("The checklist item cannot be empty.");

  // The envelope of 500,000 is now exceeded (ERP 400,000 + CRM 250,000): the dashboard says so.
  await bob.getByRole("link", { name: /^Dashboard/ }).click();
  await expect(bob.getByTestId("dashboard-warning")).toContainText("need 650,000 of a budget envelope of 500,000");
});

test("a viewer reads every decision page and can change nothing", async ({ browser }) => {
  const { pages: [, carol] } = await twoMembers(browser, "Strategy", "viewer");
  await expect(carol.getByTestId("view-only")).toBeVisible();
  await expect(carol.locator(".objective-name").first()).toBeDisabled();
  await expect(carol.getByRole("button", { name: "Add objective" })).toBeDisabled();
  await carol.locator("[data-grid=contributions] [data-cell='0-0']").click();
  await expect(carol.locator("[data-grid=contributions] input")).toHaveCount(0);
  await carol.getByRole("link", { name: /^Scoring/ }).click();
  await expect(carol.locator("input.score").first()).toBeDisabled();
  await expect(carol.getByTestId("apply-order")).toBeDisabled();
  await carol.getByRole("link", { name: /^Selection/ }).click();
  await carol.getByTestId("run-selection").click();
  await expect(carol.getByTestId("selection-status")).toContainText("Optimal");
  await expect(carol.getByTestId("record-decision")).toBeDisabled();
  await carol.getByRole("link", { name: /^Settings/ }).click();
  await expect(carol.getByTestId("settings-read-only")).toBeVisible();
  await expect(carol.getByTestId("budget-envelope")).toBeDisabled();
  await expect(carol.getByRole("button", { name: "Add item" })).toBeDisabled();
});

test("two people who score the same cell apart both see which score won and the other", async ({ browser }) => {
  const { ids, pages: [alice, bob] } = await twoMembers(browser, "Scoring");
  await server.stop();
  for (const [page, value] of [[alice, "7"], [bob, "3"]]) {
    await expect(page.getByTestId("sync-badge")).toHaveAttribute("data-state", "offline");
    const score = page.locator(`[data-testid=score-row][data-project-id="${ids.erp}"] input.score`).first();
    await score.fill(value);
    await score.press("Enter");
  }
  await server.start();
  for (const page of [alice, bob]) {
    await expect(page.getByTestId("sync-badge")).toHaveAttribute("data-unsynced", "0", { timeout: 15_000 });
    await expect(page.getByTestId("cell-conflict")).toHaveCount(1);
  }
  const winner = await alice.locator(`[data-testid=score-row][data-project-id="${ids.erp}"] input.score`).first().inputValue();
  const loser = winner === "7" ? "3" : "7";
  for (const page of [alice, bob]) {
    await expect(page.getByTestId("cell-conflict")).toHaveAttribute("title", `Changed by two people: ${winner} won, also set to ${loser}`);
  }
  await shot(bob, "scoring-conflict");
  // Settling on a score clears the sign for both.
  const score = alice.locator(`[data-testid=score-row][data-project-id="${ids.erp}"] input.score`).first();
  await score.fill("5");
  await score.press("Enter");
  await expect(bob.getByTestId("cell-conflict")).toHaveCount(0);
});

test("AHP: two members' comparisons give the group's weights, which the owner adopts", async ({ browser }) => {
  const { ids, pages: [alice, bob] } = await twoMembers(browser, "Scoring");
  const pair = (page) => page.getByLabel("Strategic value compared with Delivery risk");
  const group = (page, id) => page.locator(`[data-testid=ahp-group-row][data-criterion-id="${id}"] [data-testid=ahp-group-weight]`);
  for (const page of [alice, bob]) {
    await expect(page.getByTestId("ahp-answered")).toHaveText("Nobody has compared every pair yet.");
    await expect(pair(page)).toHaveValue("");
  }
  await expect(alice.getByTestId("ahp-adopt")).toBeDisabled();

  // Alice: strategic value is extremely more important than delivery risk (9), so her weights
  // are 9/10 and 1/10; alone, they are the group's.
  await pair(alice).selectOption("9");
  await expect(alice.getByTestId("ahp-mine")).toHaveText("Your weights: Strategic value 90% · Delivery risk 10%");
  await expect(alice.getByTestId("ahp-consistency")).toHaveText("Your consistency ratio: 0 (at most 0.10 is consistent)");
  await expect(bob.getByTestId("ahp-answered")).toHaveText("From the one member who has compared every pair so far.");
  await expect(group(bob, ids.value)).toHaveText("90%");
  await expect(pair(bob), "Bob answers for himself only").toHaveValue("");

  // Bob, from the keyboard: the two are equally important (1). The group's judgment is the
  // geometric mean √(9 × 1) = 3, so the weights are 3/4 and 1/4.
  await pair(bob).focus();
  await pair(bob).selectOption("1");
  for (const page of [alice, bob]) {
    await expect(page.getByTestId("ahp-answered")).toHaveText("From the 2 members who compared every pair.");
    await expect(group(page, ids.value)).toHaveText("75%");
    await expect(group(page, ids.risk)).toHaveText("25%");
  }
  await expect(pair(alice)).toHaveValue("9");
  await shot(alice, "scoring-ahp");

  // Only the owner adopts: the criteria weights become 75 and 25 in one change, for both.
  await expect(bob.getByTestId("ahp-adopt")).toBeDisabled();
  await alice.getByTestId("ahp-adopt").click();
  await expect(alice.getByTestId("ahp-adopt-outcome")).toHaveText("Adopted: the criteria weights are now the group's.");
  const weight = (page, id) => page.locator(`[data-testid=criterion-row][data-criterion-id="${id}"] input.criterion-weight`);
  for (const page of [alice, bob]) {
    await expect(weight(page, ids.value)).toHaveValue("75");
    await expect(weight(page, ids.risk)).toHaveValue("25");
  }
  await expect(alice.getByTestId("sync-badge")).toHaveAttribute("data-unsynced", "0", { timeout: 15_000 });
  await alice.reload();
  await expect(weight(alice, ids.value)).toHaveValue("75");
  await expect(weight(alice, ids.risk)).toHaveValue("25");
  await expect(pair(alice)).toHaveValue("9");
  await expect(group(alice, ids.value)).toHaveText("75%");
});

test("AHP: the group's consistency ratio warns above 0.10, as a member's own does, in both languages", async ({ browser }) => {
  const { ids, bob: bobUser, pages: [alice, bob] } = await twoMembers(browser, "Scoring");
  // A third criterion, so that comparisons can contradict each other.
  await alice.getByLabel("New criterion name").fill("Cost");
  await alice.getByRole("button", { name: "Add criterion" }).click();
  await expect(alice.getByTestId("ahp-pair")).toHaveCount(3);
  const third = await alice.locator("[data-testid=ahp-pair]").evaluateAll((rows, known) =>
    rows.flatMap((row) => [row.dataset.first, row.dataset.second]).find((id) => !known.includes(id)), [ids.value, ids.risk]);
  // Alice goes round in a circle: value over risk, risk over cost, cost over value, each
  // extremely (9). Alone, she is the group.
  const wins = new Set([`${ids.value}>${ids.risk}`, `${ids.risk}>${third}`, `${third}>${ids.value}`]);
  for (const row of await alice.getByTestId("ahp-pair").all()) {
    const [first, second] = [await row.getAttribute("data-first"), await row.getAttribute("data-second")];
    await row.locator("select").selectOption(wins.has(`${first}>${second}`) ? "9" : "1/9");
  }
  await expect(alice.getByTestId("ahp-inconsistent")).toBeVisible();
  const ratio = /consistency ratio (\d+(\.\d+)?)/;
  for (const page of [alice, bob]) {
    await expect(page.getByTestId("ahp-answered")).toHaveText("From the one member who has compared every pair so far.");
    const warning = page.getByTestId("ahp-group-inconsistent");
    await expect(warning).toHaveText(/^The group's comparisons contradict each other \(consistency ratio \d+(\.\d+)?, above 0\.10\): before adopting these weights/);
    const shown = (await warning.textContent()).match(ratio)[1];
    expect(Number(shown)).toBeGreaterThan(0.1);
    await expect(page.getByTestId("ahp-group-consistency")).toContainText(shown);
  }
  await expect(bob.getByTestId("ahp-inconsistent"), "Bob has not answered: no warning of his own").toHaveCount(0);
  if (process.env.PMO_SCREENSHOTS) {
    await bob.getByTestId("ahp").screenshot({ path: `${process.env.PMO_SCREENSHOTS}/scoring-ahp-group-inconsistent-en.png` });
  }

  // In Chinese, for Bob in a browser that prefers it.
  const context = await browser.newContext({ locale: "zh-CN" });
  try {
    await context.addCookies(server.cookies(bobUser));
    const zh = await context.newPage();
    await zh.setViewportSize({ width: 1280, height: 900 });
    await zh.goto(bob.url());
    await expect(zh.getByTestId("ahp-group-inconsistent")).toHaveText(/^小组判断相互矛盾（一致性比率 [\d.]+，超过 0\.10）：采纳这些权重之前/, { timeout: 30_000 });
    if (process.env.PMO_SCREENSHOTS) {
      await zh.getByTestId("ahp").screenshot({ path: `${process.env.PMO_SCREENSHOTS}/scoring-ahp-group-inconsistent-zh.png` });
    }
  } finally {
    await context.close();
  }

  // Bob goes round the other way on each pair (his own circle, which warns him): the geometric
  // mean of 9 and 1/9 is 1, every pair is equal for the group, and its warning goes.
  for (const row of await bob.getByTestId("ahp-pair").all()) {
    const [first, second] = [await row.getAttribute("data-first"), await row.getAttribute("data-second")];
    await row.locator("select").selectOption(wins.has(`${first}>${second}`) ? "1/9" : "9");
  }
  await expect(bob.getByTestId("ahp-answered")).toHaveText("From the 2 members who compared every pair.");
  await expect(bob.getByTestId("ahp-inconsistent")).toBeVisible();
  await expect(bob.getByTestId("ahp-group-consistency")).toHaveText(/^Consistency ratio of the group's comparisons: -?0$/);
  await expect(bob.getByTestId("ahp-group-inconsistent")).toHaveCount(0);
});

test("two people who set a criterion's weight apart both see which weight won and the other", async ({ browser }) => {
  const { ids, pages: [alice, bob] } = await twoMembers(browser, "Scoring");
  const weight = (page) => page.locator(`[data-testid=criterion-row][data-criterion-id="${ids.value}"] input.criterion-weight`);
  await server.stop();
  for (const [page, value] of [[alice, "5"], [bob, "2"]]) {
    await expect(page.getByTestId("sync-badge")).toHaveAttribute("data-state", "offline");
    await weight(page).fill(value);
    await weight(page).press("Enter");
  }
  await server.start();
  for (const page of [alice, bob]) {
    await expect(page.getByTestId("sync-badge")).toHaveAttribute("data-unsynced", "0", { timeout: 15_000 });
    await expect(page.getByTestId("weight-conflict")).toHaveCount(1);
  }
  const winner = await alice.locator(`[data-testid=criterion-row][data-criterion-id="${ids.value}"] input.criterion-weight`).inputValue();
  const loser = winner === "5" ? "2" : "5";
  for (const page of [alice, bob]) {
    await expect(page.getByTestId("weight-conflict")).toHaveAttribute("title", `Changed by two people: ${winner} won, also set to ${loser}`);
  }
  // Setting the weight again settles it for both.
  await weight(bob).fill("4");
  await weight(bob).press("Enter");
  await expect(weight(alice)).toHaveValue("4");
  await expect(bob.getByTestId("weight-conflict")).toHaveCount(0);
  await expect(alice.getByTestId("weight-conflict")).toHaveCount(0);
});

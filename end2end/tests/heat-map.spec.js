// The resources heat map on a board with more people than a window holds (issue 11's large
// board has 300): only the rows in and near the window are drawn, scrolling and the arrow keys
// reach every person, a cell's bookings open in sight, and one booking changes one cell.
import { expect, test } from "./fixtures.js";
import { TestServer } from "./server.js";
import { Repo } from "@automerge/automerge-repo";
import { BrowserWebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import { openBoard } from "./board-page.js";
import { isoWeeks } from "./decisions-seed.js";

const PEOPLE = 60;

let server;
test.beforeEach(async () => {
  server = await TestServer.start();
});
test.afterEach(async () => {
  await server.close();
});

/** `PEOPLE` people (Person 01…), one project, Person 01 booked 24 h and the last 48 h this week. */
async function seedPeople(owner, board) {
  const token = await server.createToken(owner, "seed");
  const network = new BrowserWebSocketClientAdapter(`ws://127.0.0.1:${server.port}/sync?token=${encodeURIComponent(token)}`);
  const repo = new Repo({ network: [network] });
  try {
    await expect.poll(() => repo.peers.length).toBeGreaterThan(0);
    const handle = await repo.find(board.id);
    const [week] = isoWeeks(new Date(), 1);
    const name = (n) => `Person ${String(n).padStart(2, "0")}`;
    handle.change((doc) => {
      doc.projects["p-erp"] = { name: "ERP upgrade", stage: "active", budget: 100000, position: "2080" };
      for (let n = 1; n <= PEOPLE; n++) {
        doc.people[`person-${n}`] = { name: name(n), role: "developer", team: "Delivery", capacity_hours_per_week: 40 };
      }
      doc.allocations[`p-erp/person-1/${week}`] = 24;
      doc.allocations[`p-erp/person-${PEOPLE}/${week}`] = 48;
    });
  } finally {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await repo.shutdown();
  }
}

test("a long heat map draws the rows near the window, then the rest; scrolling, the arrow keys and one cell's edit work on it", async ({ page }) => {
  const owner = await server.signUp("owner@example.com", "Olga");
  await page.context().addCookies(server.cookies(owner));
  await page.setViewportSize({ width: 1280, height: 720 });
  const board = await server.createBoard(owner, "Many people");
  await seedPeople(owner, board);
  await openBoard(page, server, board);
  await page.getByRole("navigation", { name: "Board pages" }).getByRole("link", { name: /^Resources/ }).click();

  const rows = page.getByTestId("capacity-row");
  const row = (n) => page.locator(`[data-testid=capacity-row][data-person-id=person-${n}]`);
  await expect(row(1)).toBeVisible();
  // The rows in the window and a few more are drawn first, then the others a step a frame,
  // until all sixty are there (scrolling then builds nothing).
  await expect.poll(() => rows.count()).toBe(PEOPLE);
  // The list of over-allocations is the whole board's, drawn or not.
  await expect(page.getByTestId("over-allocations")).toContainText(/Person 60 — \d{4}-W\d{2}: 48 h booked of 40 h \(8 h over\)/);

  // The arrow keys walk down to the last person: the rows ahead are drawn as the focus moves.
  await row(1).getByTestId("cap-cell").first().focus();
  for (let n = 1; n < PEOPLE; n++) await page.keyboard.press("ArrowDown");
  await expect(row(PEOPLE).getByTestId("cap-cell").first()).toBeFocused();
  await expect(row(PEOPLE).getByTestId("cap-cell").first()).toHaveText("48");
  await expect(row(PEOPLE).getByTestId("cap-cell").first()).toHaveAttribute("data-level", "over");
  // Rows once drawn stay drawn: scrolling back to the top finds the first rows there.
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(row(1)).toBeVisible();
  await expect(rows).toHaveCount(PEOPLE);

  // A cell's bookings open in sight, not below the sixty rows.
  const cell = row(1).getByTestId("cap-cell").first();
  await cell.click();
  const editor = page.getByTestId("cell-editor");
  await expect(editor).toBeInViewport();
  // One booking changed: only that cell and its row's utilisation change in the map.
  await page.evaluate(() => {
    const table = document.querySelector("[data-testid=capacity]");
    window.__changed = new Set();
    window.__mapObserver = new MutationObserver((records) => {
      for (const record of records) {
        const element = record.target.nodeType === Node.ELEMENT_NODE ? record.target : record.target.parentElement;
        const place = element?.closest("td, th");
        const line = place?.closest("tr");
        if (!place || !line?.dataset.personId) continue;
        const button = place.querySelector("[data-testid=cap-cell]");
        window.__changed.add(`${line.dataset.personId}:${button ? `cell ${button.dataset.col}` : place.className}`);
      }
    });
    window.__mapObserver.observe(table, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  const hours = editor.getByTestId("booking-row").first().locator("input");
  await hours.fill("30");
  await hours.press("Enter");
  await expect(cell).toHaveText("30");
  await expect(row(1).getByTestId("person-utilisation")).not.toHaveText("");
  await page.waitForTimeout(300);
  const changed = await page.evaluate(() => {
    window.__mapObserver.disconnect();
    return [...window.__changed].sort();
  });
  expect(changed).toEqual(["person-1:cell 0", "person-1:util"]);
});

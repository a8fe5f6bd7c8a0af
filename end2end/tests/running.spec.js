// Running the portfolio: the project page (gates, money), the risk register, resources,
// finance and lessons, with two members live on one board, a viewer, and the server stopped.
import { test, expect } from "./fixtures.js";
import { TestServer } from "./server.js";
import { addPerson, addProject, aliceAndBobOnABoard, badge, expectAllSaved, openBoard, ownBoard, setHours } from "./board-page.js";

let server;
test.beforeEach(async () => {
  server = await TestServer.start();
});
test.afterEach(async () => {
  await server.close();
});

/** Follows the board's navigation to one of its pages. */
async function goToPage(page, label) {
  await page.getByRole("navigation", { name: "Board pages" }).getByRole("link", { name: new RegExp(`^${label}`) }).click();
}

/** Opens a project's page through its link on the finance page, as a PMO lead would. */
async function openProject(page, name) {
  await goToPage(page, "Finance");
  await page.getByTestId("finance-row").getByRole("link", { name }).click();
  await expect(page.getByTestId("project-name")).toHaveValue(name);
}

/** Commits a Field: types, then Enter. */
async function setField(page, testid, value) {
  const field = page.getByTestId(testid);
  await field.fill(String(value));
  await field.press("Enter");
}

async function addRisk(page, project, title, probability, impact) {
  const form = page.getByTestId("add-risk");
  await form.getByLabel("New risk project").selectOption({ label: project });
  await form.getByLabel("New risk title").fill(title);
  await form.getByLabel("New risk probability").selectOption(String(probability));
  await form.getByLabel("New risk impact").selectOption(String(impact));
  await form.getByLabel("New risk owner").fill("Li Wei");
  await form.getByRole("button", { name: "Add risk" }).click();
  await expect(page.getByTestId("risk-row").filter({ has: page.locator(`input[value="${title}"]`) })).toHaveCount(1);
}

async function addLesson(page, project, title, body, tags) {
  const form = page.getByTestId("add-lesson");
  await form.getByLabel("Project").selectOption({ label: project });
  await form.getByLabel("Lesson").fill(title);
  await form.getByLabel("Details").fill(body);
  await form.getByLabel(/^Tags/).fill(tags);
  await form.getByRole("button", { name: "Add lesson" }).click();
  await expect(form.getByLabel("Lesson")).toHaveValue("");
}

/** Books hours for one week through the resources page's bulk form. */
async function book(page, person, project, hours, weekIndex) {
  const form = page.getByTestId("bulk-booking");
  await form.getByLabel("Bulk person").selectOption({ label: person });
  await form.getByLabel("Bulk project").selectOption({ label: project });
  await form.getByLabel("Bulk hours per week").fill(String(hours));
  await form.getByLabel("Bulk first week").selectOption({ index: weekIndex });
  await form.getByLabel("Bulk number of weeks").fill("1");
  await form.getByRole("button", { name: "Book" }).click();
  await expect(form.getByRole("status")).toContainText(`Booked ${hours} h a week for 1 week(s)`);
}

test("a gate ticked by one shows who and when to the other, and moving on past it is confirmed and recorded", async ({ browser }) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "Gate review");
  await addProject(alice, "ERP upgrade");
  await openProject(alice, "ERP upgrade");
  // Bob follows a deep link to the project page.
  await bob.goto(alice.url());
  await expect(bob.getByTestId("project-name")).toHaveValue("ERP upgrade");
  for (const page of [alice, bob]) await expect(page.locator(".phases li.current")).toHaveText(/Initiation/);

  await alice.getByTestId("gate-item").filter({ hasText: "Sponsor named" }).getByRole("checkbox").check();
  const tick = bob.getByTestId("gate-item").filter({ hasText: "Sponsor named" });
  await expect(tick.getByRole("checkbox")).toBeChecked();
  await expect(tick.getByTestId("ticked-by")).toHaveText(/^✓ Alice, \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);

  // Two items are still open: moving on asks first, by keyboard too, and Cancel changes nothing.
  await bob.getByTestId("next-phase").focus();
  await bob.keyboard.press("Enter");
  const confirm = bob.getByTestId("confirm-phase");
  await expect(confirm).toContainText("2 item(s) of this gate are not ticked");
  await expect(confirm).toContainText("Business case approved");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toHaveCount(0);
  await expect(alice.locator(".phases li.current")).toHaveText(/Initiation/);

  await bob.getByTestId("next-phase").click();
  await bob.getByTestId("confirm-move").click();
  for (const page of [alice, bob]) {
    await expect(page.locator(".phases li.current")).toHaveText(/Planning/);
    await expect(page.getByTestId("project-decisions")).toContainText(
      "Moved from Initiation to Planning with 2 gate item(s) unticked",
    );
    await expect(page.getByTestId("project-decisions")).toContainText("Bob, ");
  }
  // The planning gate starts unticked.
  await expect(alice.getByTestId("gate-item")).toHaveCount(3);
  await expect(alice.getByTestId("ticked-by")).toHaveCount(0);

  // Alice deletes the project: Bob's page says it is gone rather than showing it as it was.
  await goToPage(alice, "Priorities");
  await alice.getByRole("button", { name: "Delete project" }).click();
  await alice.getByTestId("confirm-delete").getByRole("button", { name: "Delete", exact: true }).click();
  await expect(bob.getByTestId("no-project")).toContainText("There is no such project on this board");
});

test("actual cost entered by one turns the project's computed RAG red for both, and a bad figure is refused in place", async ({ browser }) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "Money");
  await addProject(alice, "CRM");
  for (const page of [alice, bob]) await openProject(page, "CRM");

  await setField(alice, "budget", 100000);
  await setField(alice, "planned-value", 50000);
  await setField(alice, "earned-value", 50000);
  await setField(alice, "actual-cost", 50000);
  await alice.getByTestId("manual-rag").selectOption("green");
  for (const page of [alice, bob]) {
    await expect(page.getByTestId("computed-rag")).toHaveAttribute("data-rag", "green");
    await expect(page.locator("[data-figure=CPI] dd")).toHaveText("1.00");
  }

  // 80 000 spent for 50 000 of work: CPI 0.625, below amber's 0.85.
  await setField(alice, "actual-cost", 80000);
  for (const page of [alice, bob]) {
    await expect(page.getByTestId("computed-rag")).toHaveAttribute("data-rag", "red");
    await expect(page.locator("[data-figure=CPI] dd")).toHaveText("0.63");
    await expect(page.locator("[data-figure=EAC] dd")).toHaveText("160,000");
    await expect(page.locator("[data-figure=VAC] dd")).toHaveText("-60,000");
    await expect(page.getByTestId("rag-differs")).toBeVisible();
  }

  // A negative cost is refused where it was typed; nothing is written, so Bob still sees 80 000.
  await setField(bob, "actual-cost", -5);
  await expect(bob.locator(".field:has([data-testid=actual-cost]) .field-error")).toContainText("at least 0");
  await bob.getByTestId("actual-cost").blur();
  await expect(bob.getByTestId("actual-cost")).toHaveValue("80000");
  await expect(alice.getByTestId("actual-cost")).toHaveValue("80000");

  // A decimal typed key by key stays as typed (12.5, not 512) and reaches the other.
  const percent = alice.getByTestId("percent-complete");
  await percent.click();
  await percent.press("Control+a");
  await alice.keyboard.type("12.5");
  await expect(percent).toHaveValue("12.5");
  await percent.press("Enter");
  await expect(bob.getByTestId("percent-complete")).toHaveValue("12.5");

  // Finance shows the disagreement first, for both.
  for (const page of [alice, bob]) {
    await goToPage(page, "Finance");
    const row = page.getByTestId("finance-row").first();
    await expect(row).toContainText("CRM");
    await expect(row.getByTestId("computed-rag")).toHaveText("Red");
    await expect(row.getByTestId("manual-rag")).toHaveText(/Green/);
    await expect(row.getByTestId("cpi")).toHaveText("0.63");
    await expect(page.getByTestId("chart-point")).toHaveCount(1);
  }
  await expectAllSaved(alice);
  await expectAllSaved(bob);
});

test("a risk added by one appears for the other in the register, the heat map and the exposure", async ({ browser }) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "Risk review");
  await addProject(alice, "ERP");
  await addProject(alice, "CRM");
  for (const page of [alice, bob]) await goToPage(page, "Risks");

  await addRisk(alice, "ERP", "Vendor delivers late", 4, 5);
  await addRisk(alice, "CRM", "Scope creep", 2, 2);
  await expect(bob.getByTestId("risk-row")).toHaveCount(2);
  await expect(bob.getByTestId("risk-row").first().getByTestId("risk-score")).toHaveText("20 Critical");
  await expect(bob.getByTestId("cell-4-5")).toHaveText("1");
  await expect(bob.getByTestId("portfolio-exposure")).toHaveText("24");

  // A heat-map cell filters the register; the arrow keys move between cells.
  await bob.getByTestId("cell-4-5").click();
  await expect(bob.getByTestId("risk-row")).toHaveCount(1);
  await bob.keyboard.press("ArrowDown");
  await bob.keyboard.press("ArrowDown");
  await bob.keyboard.press("ArrowLeft");
  await bob.keyboard.press("ArrowLeft");
  await bob.keyboard.press("ArrowLeft");
  await expect(bob.getByTestId("cell-2-2")).toBeFocused();
  await bob.keyboard.press("Enter");
  await expect(bob.getByTestId("risk-row")).toHaveCount(1);
  await expect(bob.getByTestId("risk-row").locator("input.risk-title")).toHaveValue("Scope creep");
  await bob.getByRole("button", { name: "Clear filters" }).click();
  await bob.getByTestId("filter-band").selectOption("critical");
  await expect(bob.getByTestId("risk-row")).toHaveCount(1);
  await bob.getByTestId("filter-band").selectOption("");

  // Bob closes the critical risk: it leaves the exposure and the map for both.
  await bob.getByTestId("risk-row").first().getByTestId("close-risk").click();
  for (const page of [alice, bob]) {
    await expect(page.getByTestId("portfolio-exposure")).toHaveText("4");
    await expect(page.getByTestId("cell-4-5")).toHaveText("");
  }
  await alice.getByTestId("filter-roam").selectOption("resolved");
  await expect(alice.getByTestId("risk-row")).toHaveCount(1);
  await expect(alice.getByTestId("risk-row").getByTestId("risk-roam")).toHaveValue("resolved");

  // A risk without a title is refused in place.
  await alice.getByTestId("add-risk").getByLabel("New risk project").selectOption({ label: "ERP" });
  await alice.getByTestId("add-risk").getByRole("button", { name: "Add risk" }).click();
  await expect(alice.getByTestId("add-risk-error")).toContainText("risk title cannot be empty");
});

test("a lesson recorded by one is found by the other by tag and by text, highlighted", async ({ browser }) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "Retrospective");
  await addProject(alice, "ERP");
  for (const page of [alice, bob]) await goToPage(page, "Lessons");
  await addLesson(alice, "ERP", "Book the vendor early", "Their lead time was six weeks.", "Vendor, procurement");
  await addLesson(alice, "ERP", "Test data needs an owner", "Nobody owned the migration data.", "data");

  await expect(bob.getByTestId("lesson")).toHaveCount(2);
  await bob.getByTestId("lesson-search").fill("tag:vendor");
  await expect(bob.getByTestId("lesson")).toHaveCount(1);
  await expect(bob.getByTestId("lesson").locator("h3")).toHaveText("Book the vendor early");
  await expect(bob.getByTestId("lesson").locator(".tag.hit")).toHaveText("#vendor");
  await expect(bob.getByRole("button", { name: "#vendor" })).toHaveAttribute("aria-pressed", "true");

  await bob.getByTestId("lesson-search").fill("LEAD time");
  await expect(bob.getByTestId("lesson")).toHaveCount(1);
  await expect(bob.getByTestId("lesson").locator(".body mark")).toHaveText(["lead", "time"]);
  await bob.getByTestId("lesson-search").fill("nothing like this");
  await expect(bob.getByTestId("no-lessons")).toHaveText("No lesson matches.");

  // The tag buttons filter too, and the lesson links to its project.
  await bob.getByTestId("lesson-search").fill("");
  await bob.getByRole("button", { name: "#data" }).click();
  await expect(bob.getByTestId("lesson-search")).toHaveValue("tag:data");
  await expect(bob.getByTestId("lesson")).toHaveCount(1);
  await bob.getByTestId("lesson").getByRole("link", { name: "ERP" }).click();
  await expect(bob.getByTestId("project-lessons")).toContainText("Test data needs an owner");
  await expect(bob.getByTestId("project-lessons")).toContainText("Book the vendor early");
});

test("a viewer can open every running page and change nothing", async ({ browser }) => {
  const alice = await server.signUp("alice@example.com", "Alice");
  const victor = await server.signUp("victor@example.com", "Victor");
  const board = await server.createBoard(alice, "Steering committee");
  await server.addMember(alice, board, victor, "viewer");
  const owner = await server.pageAs(browser, alice);
  await openBoard(owner, server, board);
  await addProject(owner, "ERP");
  await addPerson(owner, "Li Wei", 40);
  await goToPage(owner, "Risks");
  await addRisk(owner, "ERP", "Vendor delivers late", 3, 4);
  await goToPage(owner, "Lessons");
  await addLesson(owner, "ERP", "Book the vendor early", "Lead time.", "vendor");
  await expectAllSaved(owner);

  const viewer = await server.pageAs(browser, victor);
  await openBoard(viewer, server, board);
  await expect(viewer.getByTestId("view-only")).toBeVisible();

  await openProject(viewer, "ERP");
  await expect(viewer.getByTestId("project-name")).toBeDisabled();
  await expect(viewer.getByTestId("project-stage")).toBeDisabled();
  await expect(viewer.getByTestId("actual-cost")).toBeDisabled();
  await expect(viewer.getByTestId("manual-rag")).toBeDisabled();
  await expect(viewer.getByTestId("gate-item").first().getByRole("checkbox")).toBeDisabled();
  await expect(viewer.getByTestId("next-phase")).toBeDisabled();
  await expect(viewer.getByRole("button", { name: "Add milestone" })).toBeDisabled();
  await expect(viewer.getByRole("button", { name: "Add dependency" })).toBeDisabled();

  await goToPage(viewer, "Risks");
  await expect(viewer.getByTestId("risk-row")).toHaveCount(1);
  await expect(viewer.getByTestId("risk-row").locator("input.risk-title")).toBeDisabled();
  await expect(viewer.getByTestId("risk-row").getByTestId("risk-roam")).toBeDisabled();
  await expect(viewer.getByTestId("risk-row").getByTestId("close-risk")).toBeDisabled();
  await expect(viewer.getByRole("button", { name: "Add risk" })).toBeDisabled();
  // Reading is not changing: the filters and the heat map still work for a viewer.
  await viewer.getByTestId("cell-3-4").click();
  await expect(viewer.getByTestId("risk-row")).toHaveCount(1);

  await goToPage(viewer, "Resources");
  await viewer.getByTestId("cap-cell").first().click();
  await expect(viewer.getByTestId("cell-editor")).toBeVisible();
  await expect(viewer.getByTestId("add-booking").locator("select")).toBeDisabled();
  await expect(viewer.getByRole("button", { name: "Add booking" })).toBeDisabled();
  await expect(viewer.getByTestId("cell-editor").locator("input.time-off-hours")).toBeDisabled();
  await expect(viewer.getByRole("button", { name: "Book", exact: true })).toBeDisabled();
  await expect(viewer.getByRole("button", { name: "Set time off" })).toBeDisabled();

  await goToPage(viewer, "Finance");
  await expect(viewer.getByTestId("finance-row")).toHaveCount(1);
  await expect(viewer.locator("main input:enabled, main textarea:enabled")).toHaveCount(0);

  await goToPage(viewer, "Lessons");
  await expect(viewer.getByTestId("lesson")).toHaveCount(1);
  await expect(viewer.getByRole("button", { name: "Add lesson" })).toBeDisabled();
  await expect(viewer.getByTestId("add-lesson").getByLabel("Lesson")).toBeDisabled();

  // Nothing was written on the viewer's side.
  await expect(badge(viewer)).toHaveAttribute("data-unsynced", "0");
});

test("the running pages load offline after a reload", async ({ browser }) => {
  const alice = await server.signUp("alice@example.com", "Alice");
  const board = await server.createBoard(alice, "On the road");
  const page = await server.pageAs(browser, alice);
  await openBoard(page, server, board);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
  await addProject(page, "ERP");
  await addPerson(page, "Li Wei", 40);
  await goToPage(page, "Risks");
  await addRisk(page, "ERP", "Vendor delivers late", 4, 5);
  await expectAllSaved(page);
  // Every page is visited once online, as a person would.
  for (const label of ["Resources", "Finance", "Lessons"]) await goToPage(page, label);
  await openProject(page, "ERP");
  const projectUrl = page.url();

  await server.stop();
  await expect(badge(page)).toHaveAttribute("data-state", "offline");
  await page.reload();
  await expect(page.getByTestId("project-name")).toHaveValue("ERP");
  await expect(badge(page)).toHaveAttribute("data-state", "offline");
  // An edit offline is kept and counted.
  await setField(page, "sponsor", "Wang Fang");
  await expect(badge(page)).toHaveAttribute("data-unsynced", "1");

  const base = `${server.url}/board/${board.documentId}`;
  await page.goto(`${base}/risks`);
  await expect(page.getByTestId("risk-row").locator("input.risk-title")).toHaveValue("Vendor delivers late");
  await page.goto(`${base}/resources`);
  await expect(page.getByTestId("capacity-row")).toHaveCount(1);
  await page.goto(`${base}/finance`);
  await expect(page.getByTestId("finance-row")).toHaveCount(1);
  await page.goto(projectUrl);
  await expect(page.getByTestId("sponsor")).toHaveValue("Wang Fang");
});

test("bookings made apart put a person over capacity, and after both reconnect the heat map and the warning show it", async ({ browser }) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "Capacity review");
  await addProject(alice, "ERP");
  await addProject(alice, "CRM");
  await addPerson(alice, "Li Wei", 40);
  for (const page of [alice, bob]) {
    await goToPage(page, "Resources");
    await expect(page.getByTestId("capacity-row")).toHaveCount(1);
  }

  await server.stop();
  for (const page of [alice, bob]) await expect(badge(page)).toHaveAttribute("data-state", "offline");
  // Each books 24 h of Li Wei in the third week: each alone is within 40 h.
  await book(alice, "Li Wei", "ERP", 24, 2);
  await book(bob, "Li Wei", "CRM", 24, 2);
  for (const page of [alice, bob]) {
    await expect(page.getByTestId("cap-cell").nth(2)).toHaveAttribute("data-level", "under");
    await expect(page.getByTestId("cap-cell").nth(2)).toHaveText("24");
    await expect(page.getByTestId("over-allocations").locator("li")).toHaveCount(0);
  }

  await server.start();
  for (const page of [alice, bob]) {
    await expectAllSaved(page);
    await expect(page.getByTestId("cap-cell").nth(2)).toHaveAttribute("data-level", "over");
    await expect(page.getByTestId("cap-cell").nth(2)).toHaveText("48");
    await expect(page.getByTestId("over-allocations")).toContainText(/Li Wei — \d{4}-W\d{2}: 48 h booked of 40 h \(8 h over\)/);
    await expect(page.getByTestId("rule-warnings")).toContainText(/Li Wei is booked 48 h in W\d{2} \d{4} but has 40 h/);
  }
  // The cell's bookings show both, and one can be cut back from there: the arrow keys move to
  // the cell, Enter opens it.
  await alice.getByTestId("cap-cell").first().focus();
  await alice.keyboard.press("ArrowRight");
  await alice.keyboard.press("ArrowRight");
  await expect(alice.getByTestId("cap-cell").nth(2)).toBeFocused();
  await alice.keyboard.press("Enter");
  const editor = alice.getByTestId("cell-editor");
  await expect(editor.getByTestId("cell-summary")).toHaveText("48 h booked of 40 h capacity this week");
  const crm = editor.getByTestId("booking-row").filter({ hasText: "CRM" }).locator("input");
  await crm.fill("16");
  await crm.press("Enter");
  await expect(bob.getByTestId("cap-cell").nth(2)).toHaveAttribute("data-level", "near");
  await expect(bob.getByTestId("over-allocations").locator("li")).toHaveCount(0);
  // The cell lists what is booked in it, and books another project from the keyboard: the
  // picker offers only the projects not booked here yet.
  await expect(editor.getByTestId("booking-row")).toHaveCount(2);
  const picker = editor.getByTestId("add-booking").locator("select");
  await expect(picker.locator("option")).toHaveText(["Project…"]);
  await alice.getByTestId("cap-cell").nth(3).focus();
  await alice.keyboard.press("Enter");
  await expect(editor.getByTestId("cell-empty")).toHaveText("Nothing is booked in this cell yet.");
  await expect(picker.locator("option")).toHaveText(["Project…", "ERP", "CRM"]);
  await picker.selectOption({ label: "CRM" });
  await editor.getByTestId("add-booking").locator("input").fill("-4");
  await editor.getByTestId("add-booking").locator("input").press("Enter");
  await expect(editor.getByTestId("add-booking-error")).not.toBeEmpty();
  await expect(editor.getByTestId("booking-row")).toHaveCount(0);
  await editor.getByTestId("add-booking").locator("input").fill("8");
  await editor.getByTestId("add-booking").locator("input").press("Enter");
  await expect(editor.getByTestId("booking-row")).toHaveCount(1);
  await expect(editor.getByTestId("add-booking-error")).toBeEmpty();
  await expect(bob.getByTestId("cap-cell").nth(3)).toHaveText("8");
});

test("dependencies refuse a cycle and name it; milestones are added and marked done, all by keyboard", async ({ page }) => {
  await ownBoard(page, server, "Dependencies");
  for (const name of ["ERP", "CRM", "Data platform"]) await addProject(page, name);
  const dependOn = async (project, on) => {
    await openProject(page, project);
    await page.getByLabel("Project this one depends on").selectOption({ label: on });
    await page.getByRole("button", { name: "Add dependency" }).press("Enter");
  };
  await dependOn("CRM", "ERP");
  await expect(page.getByTestId("depends-on")).toHaveText(/ERP/);
  await dependOn("Data platform", "CRM");
  await dependOn("ERP", "Data platform");
  await expect(page.getByTestId("dependency-error")).toHaveText(
    "This dependency would make a cycle: ERP → Data platform → CRM → ERP.",
  );
  await expect(page.getByTestId("depends-on").locator("li")).toHaveCount(0);
  await expect(page.getByText("Needed by:")).toContainText("CRM");

  await page.getByLabel("Milestone name").fill("Go-live");
  await page.getByLabel("Milestone due date").fill("2099-01-31");
  await page.getByLabel("Milestone due date").press("Enter");
  const milestone = page.getByTestId("milestone-row");
  await expect(milestone).toContainText("Go-live");
  await expect(milestone).toContainText("31 Jan 2099");
  await expect(milestone.locator(".status")).toHaveText(/^due in \d+ day\(s\)$/);
  await milestone.getByRole("button", { name: "Done today" }).focus();
  await page.keyboard.press("Enter");
  await expect(milestone.locator(".status")).toHaveText("done on time");
  await expectAllSaved(page);
});

test("two people who set a project's sponsor apart both see which value won and the other", async ({ browser }) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "Sponsors");
  await addProject(alice, "ERP");
  for (const page of [alice, bob]) await openProject(page, "ERP");

  await server.stop();
  for (const [page, sponsor] of [[alice, "Chen Jing"], [bob, "Zhou Lei"]]) {
    await expect(badge(page)).toHaveAttribute("data-state", "offline");
    await setField(page, "sponsor", sponsor);
  }
  await server.start();
  for (const page of [alice, bob]) {
    await expectAllSaved(page);
    await expect(page.getByTestId("conflict")).toContainText(/sponsor is “(Chen Jing|Zhou Lei)”, also set to “(Chen Jing|Zhou Lei)”/);
  }
  const winner = await alice.getByTestId("sponsor").inputValue();
  await expect(bob.getByTestId("sponsor")).toHaveValue(winner);
  // Settling on one clears the sign for both.
  await setField(alice, "sponsor", "Chen Jing (CFO)");
  for (const page of [alice, bob]) await expect(page.getByTestId("conflict")).toHaveCount(0);
});

/** With PMO_SCREENSHOTS=<dir>, saves the whole page there as `<name>.png`. */
async function shot(page, name) {
  if (process.env.PMO_SCREENSHOTS) {
    await page.screenshot({ path: `${process.env.PMO_SCREENSHOTS}/${name}.png`, fullPage: true });
  }
}

/** Switches the page's language from the account menu, without a reload. */
async function speak(page, language) {
  await page.getByTestId("account-menu-button").click();
  await page.getByTestId("language-switch").selectOption(language);
  await page.keyboard.press("Escape");
}

test("a milestone forecast set by one shows to the other as a slip, late on the dashboard; a bad date is refused in place", async ({ browser }) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "Forecasts");
  await addProject(alice, "ERP");
  for (const page of [alice, bob]) await openProject(page, "ERP");
  await alice.getByLabel("Milestone name").fill("Go-live");
  await alice.getByLabel("Milestone due date").fill("2099-01-31");
  await alice.getByLabel("Milestone due date").press("Enter");
  const row = (page) => page.getByTestId("milestone-row").filter({ hasText: "Go-live" });
  await expect(row(bob)).toContainText("31 Jan 2099");
  await expect(row(bob).getByTestId("milestone-status")).toHaveText(/^due in \d+ day\(s\)$/);

  // By keyboard: a text that is no date says why in place, and nothing is written.
  const forecast = alice.getByLabel("Forecast date of Go-live (empty: no forecast)");
  await forecast.focus();
  await alice.keyboard.type("2099-02-30");
  await alice.keyboard.press("Enter");
  await expect(row(alice).locator(".field-error")).toHaveText("“2099-02-30” is not a date: write it as 2027-03-31");
  await expect(row(alice).getByTestId("milestone-slip")).toHaveCount(0);
  await alice.keyboard.press("Escape");
  await expect(forecast).toHaveValue("");

  await forecast.fill("2099-02-14");
  await forecast.press("Enter");
  await expect(row(alice).locator(".field-error")).toHaveText("");
  // Bob sees the forecast and the slip: two weeks after plan is late.
  await expect(row(bob).getByTestId("milestone-forecast")).toHaveValue("2099-02-14");
  // Beside the field, the date as the planned one reads.
  await expect(row(bob).getByTestId("forecast-words")).toHaveText("14 Feb 2099");
  await expect(row(bob).getByTestId("milestone-slip")).toHaveText("14 day(s) after plan");
  await expect(row(bob).getByTestId("milestone-status")).toHaveText("late: forecast 14 day(s) after plan");
  await goToPage(bob, "Dashboard");
  await expect(bob.getByTestId("kpi-milestones").locator(".kpi-figure")).toHaveText("0%");
  await expect(bob.getByTestId("kpi-milestones").locator(".kpi-how")).toContainText("1 open milestone(s) forecast after it (late)");
  await speak(bob, "zh");
  await expect(bob.getByTestId("kpi-milestones").locator(".kpi-how")).toContainText("1 个未完成的里程碑预测晚于计划（延误）");

  // Forecast back on plan: on time again, for both.
  await forecast.fill("2099-01-31");
  await forecast.press("Enter");
  await expect(row(alice).getByTestId("milestone-slip")).toHaveCount(0);
  await expect(bob.getByTestId("kpi-milestones").locator(".kpi-figure")).toHaveText("100%");
  await expectAllSaved(alice);
});

test("two members offline set a risk's impact apart: both see it changed by two people after reconnecting, until one settles it", async ({ browser }) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "Risk conflicts");
  await addProject(alice, "ERP");
  for (const page of [alice, bob]) await goToPage(page, "Risks");
  await addRisk(alice, "ERP", "Vendor delivers late", 3, 3);
  const impact = (page) => page.getByTestId("risk-row").getByLabel("Impact", { exact: true });
  await expect(impact(bob)).toHaveValue("3");
  await expect(bob.getByTestId("risk-conflict")).toHaveCount(0);

  await server.stop();
  for (const [page, value] of [[alice, "4"], [bob, "2"]]) {
    await expect(badge(page)).toHaveAttribute("data-state", "offline");
    await impact(page).selectOption(value);
  }
  // Bob also changes the owner, which Alice leaves alone: that merges without a sign.
  const owner = (page) => page.getByTestId("risk-row").locator("input.risk-owner");
  await owner(bob).fill("Wang Fang");
  await owner(bob).press("Enter");
  await server.start();
  for (const page of [alice, bob]) {
    await expectAllSaved(page);
    await expect(page.getByTestId("risk-conflict")).toHaveCount(1);
    await expect(page.getByTestId("risk-conflict")).toHaveAttribute("data-field", "impact");
    await expect(owner(page)).toHaveValue("Wang Fang");
  }
  const winner = await impact(alice).inputValue();
  const loser = winner === "4" ? "2" : "4";
  await expect(impact(bob)).toHaveValue(winner);
  for (const page of [alice, bob]) {
    await expect(page.getByTestId("risk-conflict")).toHaveAttribute("title", `Changed by two people: ${winner} won, also set to ${loser}`);
    await expect(page.getByTestId("risk-conflict")).toHaveText(`⚑ ${loser}`);
  }
  await shot(bob, "risks-conflict-en");
  await speak(bob, "zh");
  await expect(bob.getByTestId("risk-conflict")).toHaveAttribute("title", `两人同时修改：${winner} 生效，也曾被设为 ${loser}`);
  await shot(bob, "risks-conflict-zh");

  // Alice settles it: the sign goes for both.
  await impact(alice).selectOption("5");
  for (const page of [alice, bob]) await expect(page.getByTestId("risk-conflict")).toHaveCount(0);
  await expect(bob.getByTestId("risk-row").getByLabel("影响", { exact: true })).toHaveValue("5");
  await expectAllSaved(alice);
});

test("a person's capacity and role and a milestone's forecast set apart show the sign on the resource plan, the resources page and the project page", async ({ browser }) => {
  const { pages: [alice, bob] } = await aliceAndBobOnABoard(browser, server, "People conflicts");
  await addProject(alice, "ERP");
  await addPerson(alice, "Li Wei", 40);
  await setHours(alice, "ERP", "Li Wei", 0, 30);
  await openProject(alice, "ERP");
  await alice.getByLabel("Milestone name").fill("Go-live");
  await alice.getByLabel("Milestone due date").fill("2099-01-31");
  await alice.getByLabel("Milestone due date").press("Enter");
  await openProject(bob, "ERP");
  await expect(bob.getByTestId("milestone-row")).toHaveCount(1);

  await server.stop();
  for (const [page, capacity, role, forecast] of [[alice, "32", "developer", "2099-02-14"], [bob, "24", "analyst", "2099-01-20"]]) {
    await expect(badge(page)).toHaveAttribute("data-state", "offline");
    await page.getByTestId("milestone-forecast").fill(forecast);
    await page.getByTestId("milestone-forecast").press("Enter");
    await goToPage(page, "Priorities");
    const person = page.getByTestId("person").filter({ has: page.locator('input[value="Li Wei"]') });
    await person.locator("input.person-capacity").fill(capacity);
    await person.locator("input.person-capacity").press("Enter");
    await person.locator("input.person-role").fill(role);
    await person.locator("input.person-role").press("Enter");
  }
  await server.start();
  for (const page of [alice, bob]) {
    await expectAllSaved(page);
    await expect(page.getByTestId("person-conflict")).toHaveCount(2);
  }
  const fields = await alice.getByTestId("person-conflict").evaluateAll((signs) => signs.map((s) => s.dataset.field));
  expect(fields).toEqual(["role", "capacity_hours_per_week"]);
  const capacity = await alice.getByTestId("person").locator("input.person-capacity").inputValue();
  await expect(alice.getByTestId("person-conflict").nth(1)).toHaveText(`⚑ ${capacity === "32" ? "24" : "32"}`);

  for (const language of ["en", "zh"]) {
    if (language === "zh") {
      await speak(alice, "zh");
      await alice.getByRole("navigation", { name: "看板页面" }).getByRole("link", { name: /^优先级/ }).click();
    }
    await expect(alice.getByTestId("person-conflict")).toHaveCount(2);
    await alice.getByTestId("person").first().scrollIntoViewIfNeeded();
    await shot(alice, `resource-plan-conflict-${language}`);
    const nav = alice.getByRole("navigation", { name: language === "en" ? "Board pages" : "看板页面" });
    await nav.getByRole("link", { name: language === "en" ? /^Resources/ : /^资源/ }).click();
    // The heat map's row shows the capacity set apart (its colours follow the value that won),
    // and a cell's editor the role.
    await expect(alice.getByTestId("capacity-row").getByTestId("person-conflict")).toHaveAttribute("data-field", "capacity_hours_per_week");
    await alice.getByTestId("capacity-row").first().getByTestId("cap-cell").first().click();
    await expect(alice.getByTestId("person-conflict")).toHaveCount(2);
    await shot(alice, `resources-conflict-${language}`);
    await nav.getByRole("link", { name: language === "en" ? /^Finance/ : /^财务/ }).click();
    await alice.getByTestId("finance-row").getByRole("link", { name: "ERP" }).click();
    await expect(alice.getByTestId("milestone-conflict")).toHaveCount(1);
    await expect(alice.getByTestId("milestone-conflict")).toHaveAttribute("data-field", "forecast");
    await shot(alice, `project-conflict-${language}`);
  }
  // Alice settles the forecast: the sign goes for Bob too.
  await alice.getByTestId("milestone-forecast").fill("2099-02-07");
  await alice.getByTestId("milestone-forecast").press("Enter");
  await expect(bob.getByTestId("person-conflict")).toHaveCount(2);
  await openProject(bob, "ERP");
  await expect(bob.getByTestId("milestone-conflict")).toHaveCount(0);
  await expect(bob.getByTestId("milestone-slip")).toHaveText("7 day(s) after plan");
});

// Accounts and board access: who sees which board, signing up, out and in through the pages,
// viewers, and the owner's Members panel.
import { test, expect } from "./fixtures.js";
import { TestServer } from "./server.js";
import { addProject, badge, expectAllSaved, openBoard, projectNames, projectRow } from "./board-page.js";

let server;
test.beforeEach(async () => {
  server = await TestServer.start();
});
test.afterEach(async () => {
  await server.close();
});

test("another account neither lists nor opens someone else's board", async ({ browser }) => {
  const alice = await server.signUp("alice@example.com", "Alice");
  const mallory = await server.signUp("mallory@example.com", "Mallory");
  const board = await server.createBoard(alice, "Alice's reorganisation");
  const alicePage = await server.pageAs(browser, alice);
  await openBoard(alicePage, server, board);
  await addProject(alicePage, "Close the Berlin office");
  await expectAllSaved(alicePage);

  // The API leaves it out of Mallory's list and does not admit it exists.
  expect(await server.api(mallory, "GET", "/api/boards")).toEqual([]);
  await server.api(mallory, "GET", `/api/boards/${board.documentId}/members`, undefined, [404]);

  const page = await server.pageAs(browser, mallory);
  await page.goto(server.url);
  await expect(page.getByRole("heading", { name: /Boards/ })).toBeVisible();
  await expect(page.getByText("No boards yet")).toBeVisible();
  await expect(page.getByRole("link", { name: board.name })).toHaveCount(0);

  // By URL: the message, and none of the board.
  await page.goto(`${server.url}/board/${board.documentId}`);
  await expect(page.getByTestId("no-access")).toContainText("does not exist or you do not have access");
  await expect(page.getByTestId("board-name")).toHaveCount(0);
  await expect(page.getByTestId("project-row")).toHaveCount(0);
  await expect(page.getByText("Close the Berlin office")).toHaveCount(0);
});

test("sign up, sign out and sign in through the pages", async ({ page }) => {
  // Signed out, every page leads to the sign-in page.
  await page.goto(server.url);
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole("heading", { name: /Sign in/ })).toBeVisible();
  // The sign-in page's address works on its own too (a reload, a bookmark).
  await page.reload();
  await expect(page.getByRole("heading", { name: /Sign in/ })).toBeVisible();

  // Sign up, by keyboard: the email field has the focus.
  await page.getByRole("button", { name: "Create an account" }).click();
  await page.getByLabel("Name").fill("Carol");
  await page.getByLabel("Email").fill("carol@example.com");
  await page.getByLabel("Password").fill("too short");
  await page.getByLabel("Password").press("Enter");
  // A password under 10 characters is refused: still on the page.
  await expect(page).toHaveURL(/\/signin$/);
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("Password").press("Enter");
  await expect(page).toHaveURL(`${server.url}/`);
  await expect(page.getByTestId("account-menu-button")).toContainText("Carol");

  // Her first board: she owns it.
  await page.getByLabel("New board").fill("Carol's portfolio");
  await page.getByLabel("New board").press("Enter");
  await expect(page.getByTestId("board-name")).toHaveText("Carol's portfolio");
  const boardUrl = page.url();
  await expect(page.getByTestId("member-row")).toHaveCount(1);
  await expect(page.getByTestId("member-row")).toContainText("carol@example.com");
  await expect(page.getByTestId("view-only")).toHaveCount(0);

  // Sign out from the account menu.
  await page.getByTestId("account-menu-button").click();
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await page.goto(boardUrl);
  await expect(page).toHaveURL(/\/signin\?next=/);

  // A wrong password is refused and says so.
  await page.getByLabel("Email").fill("carol@example.com");
  await page.getByLabel("Password").fill("not her password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("sign-in-problem")).not.toBeEmpty();
  await expect(page).toHaveURL(/\/signin/);

  // The right one leads back to the board she was sent from.
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("Password").press("Enter");
  await expect(page).toHaveURL(boardUrl);
  await expect(page.getByTestId("board-name")).toHaveText("Carol's portfolio");
  await page.goto(server.url);
  await expect(page.getByTestId("board-list").getByRole("listitem")).toHaveText([/Carol's portfolio\s*Owner/]);
});

test("too many wrong passwords are refused for a while, and the page says how long", async ({ page }) => {
  await server.signUp("dave@example.com", "Dave");
  await page.goto(server.url);
  await expect(page).toHaveURL(/\/signin$/);
  await page.getByLabel("Email").fill("dave@example.com");
  const problem = page.getByTestId("sign-in-problem");
  let throttled = false;
  for (let attempt = 1; attempt <= 10 && !throttled; attempt++) {
    await page.getByLabel("Password").fill(`wrong password ${attempt}`);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(problem).not.toBeEmpty();
    await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled();
    throttled = /too many attempts/i.test(await problem.textContent());
  }
  expect(throttled).toBe(true);
  await expect(problem).toHaveText(/Too many attempts: try again in \d+ minutes?\./);
});

test("a viewer sees the board read-only, and the owner's edits reach the viewer", async ({ browser }) => {
  const alice = await server.signUp("alice@example.com", "Alice");
  const victor = await server.signUp("victor@example.com", "Victor");
  const board = await server.createBoard(alice, "Steering committee");
  await server.addMember(alice, board, victor, "viewer");
  const owner = await server.pageAs(browser, alice);
  await openBoard(owner, server, board);
  await addProject(owner, "ERP");

  const viewer = await server.pageAs(browser, victor);
  await viewer.goto(server.url);
  await expect(viewer.getByTestId("board-list").getByRole("listitem")).toHaveText([/Steering committee\s*Viewer/]);
  await openBoard(viewer, server, board);
  await expect(viewer.getByTestId("view-only")).toBeVisible();
  await expect.poll(() => projectNames(viewer)).toEqual(["ERP"]);
  await expect(projectRow(viewer, "ERP").locator(".project-name")).toBeDisabled();
  await expect(projectRow(viewer, "ERP").getByRole("button", { name: "Delete project" })).toBeDisabled();
  await expect(projectRow(viewer, "ERP")).toHaveAttribute("draggable", "false");
  await expect(viewer.getByLabel("New project name")).toBeDisabled();
  await expect(viewer.getByLabel("New person name")).toBeDisabled();
  // Viewers see who is on the board, but cannot change it.
  await expect(viewer.getByTestId("member-row")).toHaveCount(2);
  await expect(viewer.getByLabel("Email of the person to add")).toHaveCount(0);

  // The owner's edits arrive; the viewer's badge never counts changes waiting to be sent.
  await addProject(owner, "CRM");
  await projectRow(owner, "ERP").locator(".project-name").fill("ERP renewal");
  await projectRow(owner, "ERP").locator(".project-name").press("Enter");
  await expect.poll(() => projectNames(viewer), { timeout: 5_000 }).toEqual(["ERP renewal", "CRM"]);
  await expectAllSaved(viewer);
  await expect(badge(viewer)).toHaveText("Online · up to date");
});

test("an owner adds, promotes and removes a member in the Members panel", async ({ browser }) => {
  const alice = await server.signUp("alice@example.com", "Alice");
  const bob = await server.signUp("bob@example.com", "Bob");
  const board = await server.createBoard(alice, "Capacity review");
  const owner = await server.pageAs(browser, alice);
  await openBoard(owner, server, board);
  const members = owner.getByTestId("members");

  await members.getByLabel("Email of the person to add").fill("bob@example.com");
  await members.getByLabel("Role of the person to add").selectOption("viewer");
  await members.getByRole("button", { name: "Add member" }).click();
  await expect(owner.getByTestId("member-row").filter({ hasText: "Bob" })).toContainText("bob@example.com");
  await expect(members.getByLabel("Role of Bob")).toHaveValue("viewer");

  // Someone without an account cannot be added; the panel says why.
  await members.getByLabel("Email of the person to add").fill("nobody@example.com");
  await members.getByRole("button", { name: "Add member" }).click();
  await expect(owner.getByTestId("members-problem")).not.toBeEmpty();

  const colleague = await server.pageAs(browser, bob);
  await openBoard(colleague, server, board);
  await expect(colleague.getByTestId("view-only")).toBeVisible();

  await members.getByLabel("Role of Bob").selectOption("editor");
  await expect(members.getByLabel("Role of Bob")).toHaveValue("editor");
  await colleague.reload();
  await expect(colleague.getByTestId("board-name")).toHaveText(board.name);
  await expect(colleague.getByTestId("view-only")).toHaveCount(0);
  await addProject(colleague, "Bob's project");
  await expect.poll(() => projectNames(owner)).toEqual(["Bob's project"]);

  // The last owner cannot step down.
  await members.getByLabel("Role of Alice").selectOption("editor");
  await expect(owner.getByTestId("members-problem")).not.toBeEmpty();
  await expect(members.getByLabel("Role of Alice")).toHaveValue("owner");

  await members.getByRole("button", { name: "Remove Bob" }).click();
  await expect(owner.getByTestId("member-row")).toHaveCount(1);
  await colleague.reload();
  await expect(colleague.getByTestId("no-access")).toBeVisible();
  await expect(colleague.getByTestId("project-row")).toHaveCount(0);
});

test("a board whose session ends says 'signed out' instead of reconnecting for ever", async ({ browser }) => {
  const alice = await server.signUp("alice@example.com", "Alice");
  const board = await server.createBoard(alice, "Quarter close");
  const page = await server.pageAs(browser, alice);
  await openBoard(page, server, board);
  await addProject(page, "ERP");
  await expectAllSaved(page);

  // A password change elsewhere ends every other session, this page's too; a restart makes
  // the page connect again, which the server refuses.
  const elsewhere = await server.signIn(alice);
  await server.api(elsewhere, "POST", "/api/auth/password", { current: alice.password, new: "a brand new password" }, [204]);
  await server.stop();
  await server.start();
  await expect(badge(page)).toHaveAttribute("data-state", "signed-out", { timeout: 15_000 });
  await expect(page.getByTestId("signed-out")).toContainText("signed out");
  await expect(page.getByTestId("signed-out").getByRole("link", { name: "Sign in again" })).toBeVisible();
  // The board stays readable from this device meanwhile.
  await expect.poll(() => projectNames(page)).toEqual(["ERP"]);
});

test("the admin makes sign-up invite-only, and an invite code lets one person in", async ({ browser }) => {
  const admin = await server.signUp("admin@example.com", "Ada");
  const adminPage = await server.pageAs(browser, admin);
  await adminPage.goto(server.url);
  await adminPage.getByTestId("account-menu-button").click();
  await adminPage.getByText("Sign-up and invites").click();
  const inviteOnly = adminPage.getByLabel("Sign-up by invite only");
  await expect(inviteOnly).toBeEnabled();
  await inviteOnly.check();
  await expect.poll(async () => (await server.api(admin, "GET", "/api/admin/settings")).invite_only).toBe(true);
  await adminPage.getByRole("button", { name: "Create invite code" }).click();
  const code = await adminPage.getByTestId("invite-code").inputValue();
  expect(code).not.toBe("");

  const page = await (await browser.newContext()).newPage();
  await page.goto(server.url);
  await expect(page).toHaveURL(/\/signin$/);
  await page.getByRole("button", { name: "Create an account" }).click();
  await page.getByLabel("Name").fill("Erin");
  await page.getByLabel("Email").fill("erin@example.com");
  await page.getByLabel("Password").fill("erin's long password");
  await page.getByLabel("Password").press("Enter");
  // Refused without a code: the page asks for one, and has the focus there.
  await expect(page.getByTestId("sign-in-problem")).toContainText("invit");
  await expect(page.getByLabel("Invite code")).toBeFocused();
  await page.getByLabel("Invite code").fill(code);
  await page.getByLabel("Invite code").press("Enter");
  await expect(page).toHaveURL(`${server.url}/`);
  await expect(page.getByTestId("account-menu-button")).toContainText("Erin");
});

test("the account menu makes, shows once and revokes an API token, and changes the password", async ({ browser }) => {
  const user = await server.signUp("frank@example.com", "Frank");
  const context = await browser.newContext();
  await context.addCookies(server.cookies(user));
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.getByTestId("account-menu-button").click();
  const menu = page.getByTestId("account-menu");
  await expect(menu.getByText("frank@example.com")).toBeVisible();

  await menu.locator("summary", { hasText: "API tokens" }).click();
  await menu.getByLabel("Token name").fill("nightly report");
  await menu.getByLabel("Token name").press("Enter");
  const secret = await menu.getByTestId("token-secret").inputValue();
  expect(secret).not.toBe("");
  await menu.getByRole("button", { name: "Copy" }).click();
  await expect(menu.getByText("Copied.")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await expect(menu.getByTestId("tokens")).toContainText("nightly report");
  // Made without asking for more, it syncs and reads, and cannot make tokens.
  await expect(menu.getByTestId("tokens")).toContainText("may sync boards, read");
  // The secret works as a bearer token, until it is revoked.
  const asScript = (headers) => fetch(`${server.url}/api/boards`, { headers });
  expect((await asScript({ authorization: `Bearer ${secret}` })).status).toBe(200);
  const successor = await fetch(`${server.url}/api/tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "successor" }),
  });
  expect(successor.status).toBe(403);
  await menu.getByRole("button", { name: "Revoke nightly report" }).click();
  await expect(menu.getByText("No tokens.")).toBeVisible();
  await expect(menu.getByTestId("token-secret")).toHaveCount(0);
  expect((await asScript({ authorization: `Bearer ${secret}` })).status).toBe(401);

  // A wrong current password is refused; the right one changes it.
  await menu.locator("summary", { hasText: "Change password" }).click();
  await menu.getByLabel("Current password").fill("not my password");
  await menu.getByLabel("New password").fill("a fresh long password");
  await menu.getByRole("button", { name: "Change password" }).click();
  await expect(menu.getByRole("alert").filter({ hasText: /password/ })).toBeVisible();
  await menu.getByLabel("Current password").fill(user.password);
  await menu.getByRole("button", { name: "Change password" }).click();
  await expect(menu.getByText("Password changed.")).toBeVisible();
  await server.signIn({ ...user, password: "a fresh long password" });
  // Escape closes the menu and gives the focus back to its button.
  await page.keyboard.press("Escape");
  await expect(menu).toHaveCount(0);
  await expect(page.getByTestId("account-menu-button")).toBeFocused();
});

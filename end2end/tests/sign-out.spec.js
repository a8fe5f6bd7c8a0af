// Signing out, and what stays on the device: a plain sign-out keeps the account's boards in
// IndexedDB (for the next sign-in, offline too); "Sign out and remove this account's boards
// from this device" deletes them, after naming any change the server does not hold yet. And
// after signing in, a `next=` that would leave the site lands on the board list.
import { test, expect } from "./fixtures.js";
import { TestServer } from "./server.js";
import { addProject, aliceAndBobOnABoard, badge, expectAllSaved, openBoard, projectNames, projectRow } from "./board-page.js";

let server;
test.beforeEach(async () => {
  server = await TestServer.start();
});
test.afterEach(async () => {
  await server.close();
});

/**
 * The keys of the chunks this device keeps for `accountId` (its IndexedDB database), or null
 * when the device has no database for the account.
 */
async function storedChunks(page, accountId) {
  return page.evaluate(async (name) => {
    const names = (await indexedDB.databases()).map((database) => database.name);
    if (!names.includes(name)) return null;
    const request = (make) =>
      new Promise((resolve, reject) => {
        const r = make();
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const database = await request(() => indexedDB.open(name));
    try {
      return await request(() => database.transaction("chunks").objectStore("chunks").getAllKeys());
    } finally {
      // An open connection would hold up the app's own deletion.
      database.close();
    }
  }, `pmo-board/${accountId}`);
}

async function openAccountMenu(page) {
  await page.getByTestId("account-menu-button").click();
  await expect(page.getByTestId("account-menu")).toBeVisible();
}

async function signInThroughThePage(page, user) {
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByLabel("Password").press("Enter");
}

test("a plain sign-out keeps the boards on the device; the other choice removes them", async ({ browser }) => {
  const alice = await server.signUp("alice@example.com", "Alice");
  const board = await server.createBoard(alice, "Shared laptop");
  const page = await server.pageAs(browser, alice);
  await openBoard(page, server, board);
  await addProject(page, "ERP");
  await expectAllSaved(page);
  const chunksOfTheBoard = async () =>
    ((await storedChunks(page, alice.account.id)) ?? []).filter((key) => key.includes(board.documentId)).length;
  expect(await chunksOfTheBoard()).toBeGreaterThan(0);

  // Sign out: the board stays on this device.
  await openAccountMenu(page);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/signin$/);
  expect(await chunksOfTheBoard()).toBeGreaterThan(0);
  await expect(page.getByTestId("boards-removed")).toHaveCount(0);

  // Sign in again and sign out with the other choice, from the keyboard: the board is gone.
  await signInThroughThePage(page, alice);
  await expect(page).toHaveURL(`${server.url}/`);
  await openBoard(page, server, board);
  await expect.poll(() => projectNames(page)).toEqual(["ERP"]);
  await expectAllSaved(page);
  await openAccountMenu(page);
  const remove = page.getByRole("button", { name: "Sign out and remove this account's boards from this device" });
  await remove.focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByTestId("boards-removed")).toHaveText(
    "You are signed out, and the account's boards have been removed from this device.",
  );
  expect(await storedChunks(page, alice.account.id)).toBeNull();
  // Nothing of the board is left for the next person at this computer, not even offline.
  await server.stop();
  await page.goto(`${server.url}/board/${board.documentId}`).catch(() => {});
  await expect(page.getByText("ERP")).toHaveCount(0);
});

test("changes not yet on the server are named before anything is removed", async ({ browser }) => {
  const alice = await server.signUp("alice@example.com", "Alice");
  const board = await server.createBoard(alice, "Offline week");
  const page = await server.pageAs(browser, alice);
  await openBoard(page, server, board);
  await addProject(page, "ERP");
  await expectAllSaved(page);

  // Offline, one more project: kept on this device only.
  await server.stop();
  await expect(badge(page)).toHaveAttribute("data-state", "offline");
  await addProject(page, "Made offline");
  await openAccountMenu(page);
  await page.getByRole("button", { name: "Sign out and remove this account's boards from this device" }).click();
  const warning = page.getByTestId("sign-out-warning");
  await expect(warning).toContainText("Nothing has been removed yet");
  await expect(warning).toContainText("Offline week: 1 change not yet on the server");
  // The safe choice has the focus: Enter keeps everything.
  await expect(warning.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(warning).toHaveCount(0);
  await expect.poll(() => projectNames(page)).toEqual(["ERP", "Made offline"]);
  const stored = await storedChunks(page, alice.account.id);
  expect(stored.filter((key) => key.includes(board.documentId)).length).toBeGreaterThan(0);

  // Asked again and confirmed once the server is back: signed out, and the boards removed.
  await openAccountMenu(page);
  await page.getByRole("button", { name: "Sign out and remove this account's boards from this device" }).click();
  await expect(warning).toBeVisible();
  await server.start();
  await warning.getByRole("button", { name: "Delete them, remove the boards and sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByTestId("boards-removed")).toContainText("removed from this device");
  expect(await storedChunks(page, alice.account.id)).toBeNull();
});

test("changes set aside are named too before they go with the boards", async ({ browser }) => {
  const { board, alice, bob, pages: [alicePage, bobPage] } = await aliceAndBobOnABoard(browser, server, "Refused");
  await addProject(alicePage, "ERP");
  await expect.poll(() => projectNames(bobPage)).toEqual(["ERP"]);
  // Bob changes a budget offline while Alice makes him a viewer: back online, his change is set
  // aside (see roles-live.spec.js).
  await server.pagesWorkOffline();
  await bobPage.context().setOffline(true);
  await expect(badge(bobPage)).toHaveAttribute("data-state", "offline");
  const budget = projectRow(bobPage, "ERP").locator(".budget");
  await budget.fill("5");
  await budget.press("Enter");
  await server.api(alice, "PUT", `/api/boards/${board.documentId}/members/${bob.account.id}`, { role: "viewer" }, [200]);
  await bobPage.context().setOffline(false);
  await expect(bobPage.getByTestId("set-aside")).toBeVisible({ timeout: 5_000 });

  await openAccountMenu(bobPage);
  await bobPage.getByRole("button", { name: "Sign out and remove this account's boards from this device" }).click();
  const warning = bobPage.getByTestId("sign-out-warning");
  await expect(warning).toContainText("Refused: changes set aside, which the server did not accept");
  await expect(warning).toContainText("Copy what was set aside");
  await warning.getByRole("button", { name: "Delete them, remove the boards and sign out" }).click();
  await expect(bobPage).toHaveURL(/\/signin$/);
  await expect(bobPage.getByTestId("boards-removed")).toContainText("removed from this device");
  expect(await storedChunks(bobPage, bob.account.id)).toBeNull();
  const setAside = await bobPage.evaluate(() =>
    Object.keys(localStorage).filter((key) => key.startsWith("pmo-board/set-aside/")),
  );
  expect(setAside).toEqual([]);
});

test("after signing in, a next= that would leave the site lands on the board list", async ({ browser }) => {
  const alice = await server.signUp("alice@example.com", "Alice");
  // As typed into the address bar: `%09` is a tab, which browsers drop from a URL, so
  // `/%09/evil.example` would have been `//evil.example`, another site.
  for (const next of ["/%09/evil.example", "//evil.example", "/%5Cevil.example", "https://evil.example"]) {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.url}/signin?next=${next}`);
    await signInThroughThePage(page, alice);
    await expect(page, next).toHaveURL(`${server.url}/`);
    await expect(page.getByTestId("account-menu-button")).toContainText("Alice");
    await page.context().close();
  }
});

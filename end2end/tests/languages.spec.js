// The app in both of its languages: each page, opened by a browser that prefers English or
// Chinese, shows no text from the other language's catalogue; the account menu switches the
// language at once, without a reload, and the choice is remembered on the device and on the
// account (another device signing in gets it too).
import { readFileSync, readdirSync } from "node:fs";
import { test, expect } from "./fixtures.js";
import { TestServer } from "./server.js";
import { openBoard, projectNames } from "./board-page.js";
import { seedPortfolio } from "./decisions-seed.js";
import { Repo } from "@automerge/automerge-repo";
import { BrowserWebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";

let server;
test.beforeEach(async () => {
  server = await TestServer.start();
});
test.afterEach(async () => {
  await server.close();
});

/** Every text of one language's catalogues (app/locales/<language>/*.json), flattened. */
function catalogue(language) {
  const dir = new URL(`../../app/locales/${language}/`, import.meta.url);
  const texts = [];
  const collect = (value) => {
    if (typeof value === "string") texts.push(value);
    else for (const inner of Object.values(value)) collect(inner);
  };
  for (const file of readdirSync(dir)) collect(JSON.parse(readFileSync(new URL(file, dir), "utf8")));
  return texts;
}

/**
 * The English phrases that must not show on a Chinese page: each catalogue text cut at its
 * `{variables}`, keeping the pieces long enough to be words of the interface rather than
 * a unit or an abbreviation (CPI, h/wk), and that the Chinese catalogue does not use as well.
 */
function englishPhrases() {
  const chinese = catalogue("zh").join("\n");
  return [...new Set(catalogue("en").flatMap((text) => text.split(/\{[^}]*\}/)))]
    .map((piece) => piece.trim())
    .filter((piece) => piece.length >= 8 && /[a-z]{3}/i.test(piece) && /\s/.test(piece) && !chinese.includes(piece));
}

const CJK = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]/;

/**
 * The text a person sees on the page: visible text nodes, and the placeholders, titles and
 * accessible names of the page's controls, leaving out what is marked as another language
 * (the language menu names each language in itself) and what a test put there as user data.
 */
async function visibleText(page, language) {
  return page.evaluate((language) => {
    const own = (element) => {
      const marked = element.closest("[lang]");
      return !marked || marked.getAttribute("lang").split("-")[0] === language;
    };
    const parts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!element || !own(element) || !element.checkVisibility()) continue;
      if (["SCRIPT", "STYLE", "NOSCRIPT", "TEXTAREA"].includes(element.tagName)) continue;
      parts.push(node.textContent);
    }
    for (const element of document.querySelectorAll("[placeholder], [title], [aria-label]")) {
      if (!own(element) || !element.checkVisibility()) continue;
      for (const attribute of ["placeholder", "title", "aria-label"]) {
        const value = element.getAttribute(attribute);
        if (value) parts.push(value);
      }
    }
    return parts.join("\n");
  }, language);
}

// The board's pages, as paths under /board/<id>/: every one speaks both languages.
const BOARD_PAGES = [
  "", "dashboard", "strategy", "scoring", "selection", "risks", "resources", "finance", "lessons", "history",
  "decisions", "baselines", "scenarios", "report", "data", "settings", "project/p-erp",
];

/** What a page's text may not contain in `language`, as a list of problems found. */
function otherLanguage(text, language, phrases) {
  if (language === "en") {
    return text.split("\n").filter((line) => CJK.test(line)).map((line) => `Chinese on the English page: ${line.trim()}`);
  }
  return phrases.filter((phrase) => text.includes(phrase)).map((phrase) => `English on the Chinese page: ${phrase}`);
}

for (const [language, browserLocale, heading] of [["en", "en-US", "Priorities"], ["zh", "zh-CN", "优先级"]]) {
  test(`every page speaks ${language} alone when the browser prefers ${browserLocale}`, async ({ browser }) => {
    test.setTimeout(180_000);
    const alice = await server.signUp("alice@example.com", "Alice");
    const board = await server.createBoard(alice, "2027 portfolio");
    await seedPortfolio(server, alice, board);
    const context = await browser.newContext({ locale: browserLocale });
    try {
      await context.addCookies(server.cookies(alice));
      const page = await context.newPage();
      await page.setViewportSize({ width: 1280, height: 900 });
      const phrases = englishPhrases();
      expect(phrases.length, "the English catalogue has phrases to look for").toBeGreaterThan(100);

      await page.goto(server.url);
      await expect(page.locator("html")).toHaveAttribute("lang", language);
      await expect(page.getByTestId("board-list")).toBeVisible({ timeout: 30_000 });
      expect(otherLanguage(await visibleText(page, language), language, phrases)).toEqual([]);

      await openBoard(page, server, board);
      await expect.poll(() => projectNames(page)).toHaveLength(5);
      await expect(page.getByRole("heading", { level: 2, name: heading, exact: true })).toBeVisible();
      for (const path of BOARD_PAGES) {
        await page.goto(`${server.url}/board/${board.documentId}/${path}`);
        await expect(page.getByTestId("board-name")).toHaveText("2027 portfolio", { timeout: 30_000 });
        await expect(page.locator("main h2").first()).not.toBeEmpty();
        await settled(page, path);
        expect(otherLanguage(await visibleText(page, language), language, phrases), `/${path}`).toEqual([]);
      }

      // The board as it was (time travel), with its banner and the comparison with now.
      await page.goto(`${server.url}/board/${board.documentId}/history`);
      await page.getByTestId("see-then").first().click();
      await expect(page.getByTestId("time-travel-banner")).toBeVisible({ timeout: 30_000 });
      await page.getByTestId("compare-with-now").click();
      await expect(page.getByTestId("compare-kpis")).toBeVisible();
      expect(otherLanguage(await visibleText(page, language), language, phrases), "time travel").toEqual([]);

      // Signed out, the sign-in page speaks the browser's language too.
      await context.clearCookies();
      await page.goto(`${server.url}/signin`);
      await expect(page.locator("h1")).toHaveText(language === "en" ? "Sign in" : "登录");
      expect(otherLanguage(await visibleText(page, language), language, phrases), "/signin").toEqual([]);
    } finally {
      await context.close();
    }
  });
}

/** Waits until a page that loads or computes its content has shown it. */
async function settled(page, path) {
  if (path === "history") await expect(page.getByTestId("history-session").first()).toBeVisible({ timeout: 30_000 });
  if (path === "report") await expect(page.getByTestId("report-selection")).toBeVisible({ timeout: 30_000 });
}

test("the account menu switches the language without a reload, and the choice follows the account", async ({ browser }) => {
  const alice = await server.signUp("alice@example.com", "Alice");
  const board = await server.createBoard(alice, "2027 portfolio");
  const context = await browser.newContext({ locale: "en-US" });
  const other = await browser.newContext({ locale: "en-US" });
  try {
    await context.addCookies(server.cookies(alice));
    const page = await context.newPage();
    await openBoard(page, server, board);
    const priorities = (name) => page.getByRole("heading", { level: 2, name, exact: true });
    await expect(priorities("Priorities")).toBeVisible();
    // Anything the page keeps in memory is lost by a reload: this marks the page itself.
    await page.evaluate(() => { window.stillTheSamePage = true; });

    await page.getByTestId("account-menu-button").click();
    await page.getByTestId("language-switch").selectOption("zh");
    await expect(priorities("优先级")).toBeVisible();
    await expect(page.getByRole("navigation", { name: "看板页面" }).getByRole("link", { name: "仪表板" })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "zh");
    expect(await page.evaluate(() => window.stillTheSamePage)).toBe(true);
    // Figures follow too: the budget total names the currency in Chinese.
    await expect(page.getByTestId("budget-total")).toHaveText("0 元");

    // Remembered on the account…
    await expect.poll(async () => (await server.api(alice, "GET", "/api/auth/me")).account.language).toBe("zh");
    // …and on this device: a reload opens in Chinese although the browser prefers English.
    await page.reload();
    await expect(priorities("优先级")).toBeVisible({ timeout: 30_000 });

    // Another device whose browser prefers English signs in and gets the account's choice.
    const elsewhere = await other.newPage();
    await elsewhere.goto(`${server.url}/signin`);
    await expect(elsewhere.locator("h1")).toHaveText("Sign in", { timeout: 30_000 });
    await elsewhere.getByLabel("Email").fill(alice.email);
    await elsewhere.getByLabel("Password").fill(alice.password);
    await elsewhere.getByLabel("Password").press("Enter");
    await expect(elsewhere.getByRole("heading", { level: 1 })).toHaveText("组合看板");

    // And back to English, from the menu, in Chinese now.
    await page.getByTestId("account-menu-button").click();
    await page.getByTestId("language-switch").selectOption("en");
    await expect(priorities("Priorities")).toBeVisible();
  } finally {
    await context.close();
    await other.close();
  }
});

// A message already on screen when the language is switched is worded again in the new
// language, like the labels around it: a server's refusal (a wrong password before signing in,
// a colleague who has no account), and a value refused in place. The app keeps each message as
// what it says (a key and its values, or the server's code), not as the text it first showed.
test("messages already on screen follow a switch of language", async ({ browser }) => {
  test.setTimeout(120_000);
  const alice = await server.signUp("alice@example.com", "Alice");
  const board = await server.createBoard(alice, "2027 portfolio");
  await seedPortfolio(server, alice, board);
  const context = await browser.newContext({ locale: "en-US" });
  try {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });

    // Before signing in: the server refuses a wrong password; the header switches the language.
    await page.goto(`${server.url}/signin`);
    await expect(page.locator("h1")).toHaveText("Sign in", { timeout: 30_000 });
    await page.getByLabel("Email").fill(alice.email);
    await page.getByLabel("Password").fill("not the password at all");
    await page.getByLabel("Password").press("Enter");
    const wrongPassword = page.getByTestId("sign-in-problem");
    await expect(wrongPassword).toHaveText("Wrong email or password.");
    await page.getByTestId("language-switch").selectOption("zh");
    await expect(page.locator("h1")).toHaveText("登录");
    await expect(wrongPassword).toHaveText("电子邮件或密码错误。");
    await page.getByTestId("language-switch").selectOption("en");
    await expect(wrongPassword).toHaveText("Wrong email or password.");

    // Signed in, on the board: a negative budget refused in place, and a colleague the server
    // cannot add (no account has the email).
    await context.addCookies(server.cookies(alice));
    await openBoard(page, server, board);
    await expect.poll(() => projectNames(page)).toHaveLength(5);
    const budget = page.locator('[data-project-id="p-erp"] input.budget');
    await budget.fill("-5");
    await budget.press("Enter");
    const refusedInPlace = page.locator('[data-project-id="p-erp"] .field:has(input.budget) .field-error');
    await expect(refusedInPlace).toHaveText("The budget must be a number of at least 0, not -5.");
    const members = page.getByTestId("members");
    await members.getByLabel("Email of the person to add").fill("nobody@example.com");
    await members.getByRole("button", { name: "Add member" }).click();
    const notAdded = page.getByTestId("members-problem");
    await expect(notAdded).toHaveText("No account has this email: ask them to sign up first, then add them.");
    // Leaving the field put the typed value back; its reason stays, saying it was not saved.
    await expect(refusedInPlace).toHaveText("“-5” was not saved: The budget must be a number of at least 0, not -5.");

    await page.getByTestId("account-menu-button").click();
    await page.getByTestId("language-switch").selectOption("zh");
    await expect(page.getByRole("heading", { level: 2, name: "优先级", exact: true })).toBeVisible();
    await expect(notAdded).toHaveText("没有使用此电子邮件的账户：请对方先注册，然后再添加。");
    await expect(refusedInPlace).toHaveText("“-5”未保存：预算必须是不小于 0 的数字，不能为 -5。");
    await page.getByTestId("account-menu-button").click();
  } finally {
    await context.close();
  }
});

/**
 * Four or more English words in a row: a sentence left in English on a Chinese page (names on
 * this board have at most three words, "Design signed off").
 */
const ENGLISH_SENTENCE = /[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){3,}/;

/** Writes into `board` as `owner`, like a script would (see decisions-seed.js). */
async function changeBoard(server, owner, board, change) {
  const token = await server.createToken(owner, "change");
  const network = new BrowserWebSocketClientAdapter(`ws://127.0.0.1:${server.port}/sync?token=${encodeURIComponent(token)}`);
  const repo = new Repo({ network: [network] });
  try {
    await expect.poll(() => repo.peers.length).toBeGreaterThan(0);
    const handle = await repo.find(board.id);
    // The seed's changes reach this client by sync: wait for the project it changes.
    await expect.poll(() => Boolean(handle.doc()?.projects?.["p-crm"]), { timeout: 30_000 }).toBe(true);
    handle.change(change);
  } finally {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await repo.shutdown();
  }
}

// What shared finds and the board refuses is worded by the app: a value refused in place, a
// figure that cannot be computed, a selection nothing fits, an import's refused rows and a
// backup the server refuses, each in the reader's language alone.
for (const [language, browserLocale] of [["en", "en-US"], ["zh", "zh-CN"]]) {
  test(`refusals and findings speak ${language} alone when the browser prefers ${browserLocale}`, async ({ browser }) => {
    test.setTimeout(180_000);
    const alice = await server.signUp("alice@example.com", "Alice");
    const board = await server.createBoard(alice, "2027 portfolio");
    await seedPortfolio(server, alice, board);
    // CRM rollout plans more than its budget: its earned value cannot be computed.
    await changeBoard(server, alice, board, (doc) => { doc.projects["p-crm"].planned_value = 300000; });
    const context = await browser.newContext({ locale: browserLocale });
    try {
      await context.addCookies(server.cookies(alice));
      const page = await context.newPage();
      await page.setViewportSize({ width: 1280, height: 900 });
      const phrases = englishPhrases();
      /** The element's text is in `language` alone, and so is the whole page. */
      const speaks = async (element, where, chinese, english) => {
        await expect(element).toBeVisible({ timeout: 30_000 });
        const text = await element.innerText();
        if (language === "zh") {
          expect(text, where).toContain(chinese);
          expect(text, where).toMatch(CJK);
          expect(text, where).not.toMatch(ENGLISH_SENTENCE);
        } else {
          expect(text, where).toContain(english);
        }
        expect(otherLanguage(await visibleText(page, language), language, phrases), where).toEqual([]);
      };
      const open = async (path) => {
        await page.goto(`${server.url}/board/${board.documentId}/${path}`);
        await expect(page.getByTestId("board-name")).toHaveText("2027 portfolio", { timeout: 30_000 });
      };

      // Figures that do not add up, on the dashboard, the finance page and the project's page.
      await openBoard(page, server, board);
      await expect.poll(() => projectNames(page)).toHaveLength(5);
      await open("dashboard");
      await speaks(page.getByTestId("dashboard-problem").first(), "dashboard", "CRM rollout的挣值", "the earned value of CRM rollout");
      await open("finance");
      await speaks(page.locator(".problem-cell").first(), "finance", "超过完工预算", "is more than the budget at completion");
      await open("project/p-crm");
      await speaks(page.getByTestId("ev-problem"), "project", "计划价值", "the planned value");

      // A value the board refuses, in place: a negative budget, then a currency code.
      await open("");
      const budget = page.locator('[data-project-id="p-erp"] input.budget');
      await budget.fill("-5");
      await budget.press("Enter");
      await speaks(page.locator('[data-project-id="p-erp"] .field-error').filter({ hasText: "-5" }), "budget", "预算必须是不小于 0 的数字", "The budget must be a number of at least 0");
      await budget.press("Escape");
      await open("settings");
      const currency = page.getByTestId("currency");
      await currency.fill("EURO");
      await currency.press("Enter");
      await speaks(page.locator(".field-error").filter({ hasText: "EURO" }), "currency", "不是货币代码", "is not a currency code");
      await currency.press("Escape");

      // A selection nothing fits: ERP, CRM and Data platform forced in cost 950,000 of 900,000.
      await open("selection");
      for (const id of ["p-erp", "p-crm", "p-data"]) {
        await page.locator(`[data-testid="candidate-row"][data-project-id="${id}"] select`).selectOption("in");
      }
      await speaks(page.getByTestId("selection-status"), "selection", "强制入选的项目及其依赖的项目共需", "the projects forced in");

      // An import with refused rows.
      await open("data");
      await page.getByTestId("import-file").setInputFiles({
        name: "bookings.csv",
        mimeType: "text/csv",
        buffer: Buffer.from("Project,Person,Week,Hours\nERP upgrade,Nobody,2027-W05,8\nERP upgrade,Li Wei,2027-W05,-3\n"),
      });
      await expect(page.getByTestId("refused-row")).toHaveCount(2);
      await speaks(page.getByTestId("import-preview"), "import", "Nobody", "Nobody");

      // A damaged backup, refused by the server with a code the app words.
      await page.goto(server.url);
      await expect(page.getByTestId("board-list")).toBeVisible({ timeout: 30_000 });
      await page.getByTestId("restore-file").setInputFiles({
        name: "damaged.automerge", mimeType: "application/octet-stream", buffer: Buffer.from("not a board at all"),
      });
      await speaks(page.getByTestId("restore-error"), "restore", "此文件不是组合看板的备份", "damaged or changed after it was saved");
    } finally {
      await context.close();
    }
  });
}

// Starts and stops a real PMO Board server process for one test, on a fixed loopback port so
// that a restarted server is reached by the pages that were open before. Also talks to its
// HTTP API as a script would: sign up with a cookie jar and the CSRF header, create boards,
// add members, create API tokens.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..", "..");
const targetDir = process.env.CARGO_TARGET_DIR || path.join(root, "target");
const binary = process.env.PMO_BOARD_BIN || path.join(targetDir, "debug", "pmo-board");

// Server processes never outlive the test run, whatever happens to a test.
const running = new Set();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

export class TestServer {
  /** A server on a free port, keeping its database in `dataDir` (by default a new one). */
  static async start(dataDir = mkdtempSync(path.join(os.tmpdir(), "pmo-e2e-"))) {
    const server = new TestServer(await freePort(), dataDir);
    await server.start();
    return server;
  }

  constructor(port, dataDir) {
    this.port = port;
    this.dataDir = dataDir;
    this.url = `http://127.0.0.1:${port}`;
    this.process = null;
    /** The pages that opened a board here (`openBoard`), which must work on without it. */
    this.pages = new Set();
  }

  /**
   * Waits until every page that opened a board here is controlled by the service worker, which
   * it is once the worker has stored every file of the app, the lazy pages' chunks among them:
   * only then does every page open without the server (a page whose chunk cannot be fetched
   * would not open). `stop` and `pause` wait for it, so a test opens its boards without waiting
   * for the worker (seconds per browser profile with the debug site) unless it takes the server
   * away; `close` does not.
   */
  async pagesWorkOffline() {
    for (const page of this.pages) {
      if (page.isClosed()) continue;
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
    }
  }

  async start() {
    const log = [];
    this.process = spawn(binary, [], {
      env: {
        ...process.env,
        PMO_ADDR: `127.0.0.1:${this.port}`,
        DATABASE_URL: `sqlite://${this.dataDir}/pmo-board.db`,
        // PMO_SITE_ROOT: a built site elsewhere (a copy, while target/site is being rebuilt).
        LEPTOS_SITE_ROOT: process.env.PMO_SITE_ROOT || path.join(root, "target", "site"),
        RUST_LOG: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const child = this.process;
    running.add(child);
    child.once("exit", () => running.delete(child));
    this.process.stdout.on("data", (chunk) => log.push(String(chunk)));
    this.process.stderr.on("data", (chunk) => log.push(String(chunk)));
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (this.process.exitCode !== null) {
        throw new Error(`pmo-board exited early:\n${log.join("")}`);
      }
      try {
        // Signed out, this answers 401; any answer means the server is up.
        const response = await fetch(`${this.url}/api/auth/me`);
        if (response.status === 200 || response.status === 401) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`pmo-board did not start within 20 s:\n${log.join("")}`);
  }

  /** SIGSTOP: the process hangs with its sockets open, as a stuck server or a dead link would. */
  async pause() {
    await this.pagesWorkOffline();
    this.process.kill("SIGSTOP");
  }

  /** SIGCONT after `pause`. */
  resume() {
    this.process.kill("SIGCONT");
  }

  /**
   * SIGTERM, then wait for the process to finish its writes and exit: the server goes away while
   * the pages that opened a board on it work on (see `pagesWorkOffline`).
   */
  async stop() {
    if (!this.process || this.process.exitCode !== null) return;
    await this.pagesWorkOffline();
    await this.close();
  }

  /** Stops the server without waiting for the pages: at the end of a test. */
  async close() {
    if (!this.process || this.process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.process.once("exit", resolve));
    // A paused process would not handle SIGTERM.
    this.process.kill("SIGCONT");
    this.process.kill("SIGTERM");
    const timeout = setTimeout(() => this.process.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timeout);
  }

  /**
   * Creates an account and returns it signed in: `account` (the API's `Account`), `cookies`
   * for `browserContext.addCookies` (the same session, so a page opened with them is this
   * account), and what `api` needs to call the server as this account.
   */
  async signUp(email, name, password = "correct horse battery staple") {
    const user = { email, password, jar: new Map() };
    // `me` sets the CSRF cookie that sign-up must echo in the header.
    await this.api(user, "GET", "/api/auth/me", undefined, [200, 401]);
    const me = await this.api(user, "POST", "/api/auth/signup", { email, name, password }, [201]);
    user.account = me.account;
    return user;
  }

  /** Signs in again as `user`: a second session, apart from the one the browser uses. */
  async signIn(user) {
    const again = { email: user.email, password: user.password, account: user.account, jar: new Map() };
    await this.api(again, "GET", "/api/auth/me", undefined, [200, 401]);
    await this.api(again, "POST", "/api/auth/signin", { email: user.email, password: user.password }, [200]);
    return again;
  }

  /** `user`'s session cookies, for `context.addCookies`. */
  cookies(user) {
    return [...user.jar].map(([name, value]) => ({
      name, value, url: this.url, httpOnly: name !== "pmo_csrf", sameSite: "Lax",
    }));
  }

  /** A new browser context signed in as `user`, and a page in it. */
  async pageAs(browser, user) {
    const context = await browser.newContext();
    await context.addCookies(this.cookies(user));
    return context.newPage();
  }

  /** One request as `user`; fails the test on a status other than `expected`. */
  async api(user, method, path, body, expected = [200, 201, 204]) {
    const headers = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (user.jar.size) headers.cookie = [...user.jar].map(([name, value]) => `${name}=${value}`).join("; ");
    if (method !== "GET" && user.jar.has("pmo_csrf")) headers["x-csrf-token"] = user.jar.get("pmo_csrf");
    const response = await fetch(`${this.url}${path}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(";");
      const at = pair.indexOf("=");
      const [name, value] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=.*1970/i.test(a));
      if (expired || value === "") user.jar.delete(name);
      else user.jar.set(name, value);
    }
    const text = await response.text();
    if (!expected.includes(response.status)) {
      throw new Error(`${method} ${path} as ${user.email}: ${response.status} ${text}`);
    }
    return text ? JSON.parse(text) : undefined;
  }

  /** A board owned by `owner`. */
  async createBoard(owner, name) {
    const board = await this.api(owner, "POST", "/api/boards", { name }, [201]);
    return { ...board, documentId: board.id.replace(/^automerge:/, "") };
  }

  /** Adds `member` (an account) to `board` with `role`, as `owner`. */
  async addMember(owner, board, member, role) {
    await this.api(owner, "POST", `/api/boards/${board.documentId}/members`, { email: member.email, role }, [200, 201, 204]);
  }

  /** A personal API token of `user`: its secret. */
  async createToken(user, name = "end-to-end test") {
    const created = await this.api(user, "POST", "/api/tokens", { name }, [200, 201]);
    return created.secret;
  }
}

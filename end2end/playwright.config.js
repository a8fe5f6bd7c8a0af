// Playwright drives Debian's Chromium (never a downloaded browser). Each test starts its own
// PMO Board server process (see tests/server.js), so tests can stop and restart it.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "./tests",
  timeout: 90_000,
  expect: { timeout: 10_000 },
  // Two at a time: a test mostly waits (on its server, its sockets, the browser's frames), and
  // on the 2-core machine two workers ran the 82 tests in 9.7 minutes against 17.6 with one,
  // with a release build beside them and no failure (2026-11-29). E2E_WORKERS=1 for one at a time.
  workers: Number(process.env.E2E_WORKERS || 2),
  // In CI a test that fails is run once more, and reported as flaky if it then passes: on a
  // loaded 2-core machine a fresh browser context has once taken over 30 s to compile the debug
  // wasm. A test that fails twice fails the run.
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
      ],
    },
    // The specs find elements by their English text: every context speaks English unless a
    // test asks for another language.
    locale: "en-US",
    trace: "off",
  },
});

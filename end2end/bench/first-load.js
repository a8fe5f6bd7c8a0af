// First load of the app over a slow link, as a member on a hotel network would see it: Chromium
// with its network throttled to 10 Mbit/s and 40 ms round trips, against a real server serving
// the built site. Prints figures; never fails on a slow machine.
//
//   node bench/first-load.js        (make bench-first-load builds the release site first)
//
// Three loads of the sign-in page, each until the app has mounted (the shell's boot message is
// gone): cold and uncompressed (the browser refuses compression, as the server behaved before
// it compressed), cold with compression, and warm (the same context again: the service worker
// and the HTTP cache answer); then a signed-in member's cold load of a board's page and of its
// dashboard, until the board is on screen (the page's code is a chunk of its own). Bytes are what crossed the network, as Chromium counts them.
import { chromium } from "@playwright/test";
import { TestServer } from "../tests/server.js";

const MBIT = 1_000_000 / 8;
const conditions = { offline: false, latency: 40, downloadThroughput: 10 * MBIT, uploadThroughput: 10 * MBIT };

async function load(context, { refuseCompression = false, path = "/signin", ready } = {}) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", conditions);
  if (refuseCompression) {
    await cdp.send("Network.setExtraHTTPHeaders", { headers: { "Accept-Encoding": "identity" } });
  }
  let bytes = 0;
  let requests = 0;
  cdp.on("Network.loadingFinished", (event) => {
    bytes += event.encodedDataLength;
    requests += 1;
  });
  const started = performance.now();
  await page.goto(`${server.url}${path}`);
  await page.waitForFunction(() => !document.querySelector(".boot"), null, { timeout: 120_000 });
  if (ready) await ready(page);
  const mounted = performance.now() - started;
  // Let the service worker finish caching before the warm load.
  await page.waitForTimeout(500);
  await page.close();
  return { mounted, bytes, requests };
}

const server = await TestServer.start();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-quic", "--no-first-run"],
});
try {
  const rows = [];
  const uncompressed = await browser.newContext();
  rows.push(["cold, uncompressed", await load(uncompressed, { refuseCompression: true })]);
  await uncompressed.close();
  const context = await browser.newContext();
  rows.push(["cold, compressed", await load(context)]);
  rows.push(["warm (cached)", await load(context)]);
  await context.close();
  // A member opening a board: the frame and the board's page (a chunk of its own since the
  // pages are split), until the board's name is on screen.
  const owner = await server.signUp("owner@example.com", "Olga");
  const board = await server.createBoard(owner, "First load");
  const member = await browser.newContext();
  await member.addCookies(server.cookies(owner));
  const boardShown = (page) => page.getByTestId("board-name").waitFor({ timeout: 120_000 });
  rows.push(["cold, a board's page", await load(member, { path: `/board/${board.documentId}`, ready: boardShown })]);
  rows.push(["cold, its dashboard", await load(await browser.newContext({ storageState: await member.storageState() }),
    { path: `/board/${board.documentId}/dashboard`, ready: boardShown })]);
  await member.close();
  console.log("| first load at 10 Mbit/s, 40 ms RTT | transferred | requests | app mounted after |");
  console.log("|---|---:|---:|---:|");
  for (const [name, { mounted, bytes, requests }] of rows) {
    console.log(`| ${name} | ${(bytes / 1024).toFixed(0)} KiB | ${requests} | ${(mounted / 1000).toFixed(2)} s |`);
  }
} finally {
  await browser.close();
  await server.stop();
}

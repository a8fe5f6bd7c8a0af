// A JavaScript automerge-repo 2.x client, from npm, syncs a board through /sync with the app.
// The client is a script, not a browser: it authenticates with a personal API token on the
// WebSocket URL.
import { test, expect } from "./fixtures.js";
import { Repo, generateAutomergeUrl } from "@automerge/automerge-repo";
import { BrowserWebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import { TestServer } from "./server.js";
import { addProject, ownBoard, projectNames } from "./board-page.js";

test("an automerge-repo JS client and the app edit the same board", async ({ page }) => {
  const server = await TestServer.start();
  let repo;
  try {
    const { owner, board } = await ownBoard(page, server, "Interop");
    const token = await server.createToken(owner, "automerge-repo script");
    const network = new BrowserWebSocketClientAdapter(`ws://127.0.0.1:${server.port}/sync?token=${encodeURIComponent(token)}`);
    repo = new Repo({ network: [network] });
    await addProject(page, "From the app");

    // find() asks the peers it knows: wait for the handshake with the server first.
    await expect.poll(() => repo.peers.length).toBeGreaterThan(0);
    const handle = await repo.find(board.id);
    await expect.poll(() => Object.values(handle.doc().projects ?? {}).map((p) => String(p.name))).toEqual(["From the app"]);
    expect(String(handle.doc().name)).toBe("Interop");

    handle.change((doc) => {
      doc.projects["js-client-project"] = { name: "From automerge-repo", stage: "active", budget: 1000, position: "ff80" };
    });
    await expect.poll(() => projectNames(page)).toEqual(["From the app", "From automerge-repo"]);

    // An id the server does not have is reported unavailable, not invented.
    const unknown = generateAutomergeUrl();
    await expect(repo.find(unknown)).rejects.toThrow(/unavailable/i);
  } finally {
    try {
      await repo?.shutdown();
    } finally {
      await server.stop();
    }
  }
});

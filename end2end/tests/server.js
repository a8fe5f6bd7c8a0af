// Starts and stops a real PMO Board server process for one test, on a fixed loopback port so
// that a restarted server is reached by the pages that were open before.
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
  static async start() {
    const server = new TestServer(await freePort(), mkdtempSync(path.join(os.tmpdir(), "pmo-e2e-")));
    await server.start();
    return server;
  }

  constructor(port, dataDir) {
    this.port = port;
    this.dataDir = dataDir;
    this.url = `http://127.0.0.1:${port}`;
    this.process = null;
  }

  async start() {
    const log = [];
    this.process = spawn(binary, [], {
      env: {
        ...process.env,
        PMO_ADDR: `127.0.0.1:${this.port}`,
        DATABASE_URL: `sqlite://${this.dataDir}/pmo-board.db`,
        LEPTOS_SITE_ROOT: path.join(root, "target", "site"),
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
        const response = await fetch(`${this.url}/api/boards`);
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`pmo-board did not start within 20 s:\n${log.join("")}`);
  }

  /** SIGTERM, then wait for the process to finish its writes and exit. */
  async stop() {
    if (!this.process || this.process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.process.once("exit", resolve));
    this.process.kill("SIGTERM");
    const timeout = setTimeout(() => this.process.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timeout);
  }

  async createBoard(name) {
    const response = await fetch(`${this.url}/api/boards`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });
    if (response.status !== 201) throw new Error(`creating a board: ${response.status}`);
    const board = await response.json();
    return { ...board, documentId: board.id.replace(/^automerge:/, "") };
  }
}

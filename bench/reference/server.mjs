// The reference automerge-repo sync server that `make bench-sync` measures PMO Board against:
// automerge-repo 2.x's own WebSocket server adapter and file storage, set up as its sync-server
// example is (announce nothing, serve whatever a peer asks for). Usage:
//   node server.mjs <port> <storage directory>
// It prints "ready" once it listens and stops on SIGTERM.
import { Repo } from "@automerge/automerge-repo";
import { NodeWSServerAdapter } from "@automerge/automerge-repo-network-websocket";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { WebSocketServer } from "ws";

const [port, directory] = process.argv.slice(2);
const socket = new WebSocketServer({ host: "127.0.0.1", port: Number(port) });
const repo = new Repo({
  network: [new NodeWSServerAdapter(socket)],
  storage: new NodeFSStorageAdapter(directory),
  peerId: `reference-server-${port}`,
  sharePolicy: async () => false,
});
socket.on("listening", () => console.log("ready"));
process.on("SIGTERM", async () => {
  await repo.shutdown();
  socket.close();
  process.exit(0);
});

#!/usr/bin/env node
"use strict";
// N Socket.IO servers sharing state through @socket.io/cluster-adapter (node:cluster primary +
// workers). Each worker binds its OWN port (listen with exclusive: true), has its own serverId and
// its own instrument(), so a test can target each one; broadcasts (server_stats included) cross
// workers through the primary's IPC relay (setupPrimary).
//
//   node cluster.js '{"workers": 2, "auth": {"username": "admin", "password": "pw"}}'
//
// Config: every admin_server.js key, plus
//   workers   (2)     number of workers
//   ports     ([])    port per worker (missing or 0 = free port); restart a cluster on the same ports
//   serverIds ([])    serverId per worker; default "<serverId or node-peer>-<n>" with n = 1..N
// Once every worker listens, the primary prints ONE JSON line on stdout:
//   {"event":"listening","pid":<primary pid>,"port":<worker 1 port>,"url":...,"workers":[{port,
//    url,pid,serverId,adminNamespace,path,mode,index}, ...]}
// A worker that dies is not replaced (tests use that to simulate a node going down).

const cluster = require("node:cluster");
const { loadConfig, startPeer, exitOnSignals } = require("./admin_server");

function workerConfig(config, index) {
  const { workers, ports, serverIds, ...base } = config;
  return {
    ...base,
    port: (ports || [])[index] || 0,
    serverId: (serverIds || [])[index] || `${config.serverId || "node-peer"}-${index + 1}`,
    watchStdin: false, // the primary watches stdin; workers follow the primary
  };
}

function runPrimary() {
  const config = loadConfig();
  const count = config.workers || 2;
  const { setupPrimary } = require("@socket.io/cluster-adapter");
  setupPrimary();
  const infos = new Array(count);
  let listening = 0;
  let stopping = false;

  for (let index = 0; index < count; index++) {
    const worker = cluster.fork({
      WSM_PEER_CONFIG: JSON.stringify(workerConfig(config, index)),
      WSM_PEER_WORKER_INDEX: String(index),
    });
    worker.on("message", (msg) => {
      if (msg && msg.peerEvent === "listening") {
        infos[index] = { ...msg.info, index };
        if (++listening === count) {
          const first = infos[0];
          const line = { event: "listening", pid: process.pid, port: first.port, url: first.url };
          process.stdout.write(JSON.stringify({ ...line, workers: infos }) + "\n");
        }
      }
    });
    worker.on("exit", (code, signal) => {
      console.error(`[cluster] worker ${index + 1} (pid ${worker.process.pid}) exited`, code, signal);
      if (listening < count && !stopping) {
        console.error("[cluster] a worker died before listening; giving up");
        process.exit(1);
      }
    });
  }

  const stopAll = (why) => {
    stopping = true;
    console.error(`[cluster] stopping (${why})`);
    const alive = Object.values(cluster.workers).filter(Boolean);
    if (!alive.length) return Promise.resolve();
    return new Promise((resolve) => {
      let left = alive.length;
      for (const worker of alive) {
        worker.once("exit", () => --left === 0 && resolve());
        worker.process.kill("SIGTERM");
      }
      setTimeout(resolve, 3000).unref();
    });
  };
  exitOnSignals(config, stopAll);
}

async function runWorker() {
  const config = loadConfig([], process.env);
  const { createAdapter } = require("@socket.io/cluster-adapter");
  const peer = await startPeer(config, { adapter: createAdapter() });
  exitOnSignals(config, peer.shutdown);
  // If the primary goes away (killed), the IPC channel closes: do not linger as an orphan.
  process.on("disconnect", () => peer.shutdown("primary gone").finally(() => process.exit(0)));
  process.send({ peerEvent: "listening", info: peer.info });
}

if (cluster.isPrimary) {
  try {
    runPrimary();
  } catch (err) {
    console.error(err && err.stack ? err.stack : err);
    process.exit(1);
  }
} else {
  runWorker().catch((err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exit(1);
  });
}

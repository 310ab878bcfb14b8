#!/usr/bin/env node
"use strict";
// A real Socket.IO 4.8 server with @socket.io/admin-ui's instrument(), for wsmonitor's tests.
//
//   node admin_server.js '{"port": 0, "auth": {"username": "admin", "password": "pw"}}'
//   WSM_PEER_CONFIG='{"mode": "production"}' node admin_server.js
//   node admin_server.js @config.json
//
// Once listening it prints ONE JSON line on stdout ({"event":"listening", port, url, pid,
// serverId, ...}); everything else goes to stderr. See README.md for config keys and /__peer/ API.

const http = require("node:http");
const os = require("node:os");
const cluster = require("node:cluster");
const fs = require("node:fs");
const { Server } = require("socket.io");
const { instrument } = require("@socket.io/admin-ui");
const bcrypt = require("bcryptjs");
const { GroundTruth } = require("./ground_truth");
const { makeHandler, isControlRequest } = require("./control_api");

const DEFAULTS = {
  port: 0,
  host: "127.0.0.1",
  auth: false, // false | {username, password (plain; hashed with bcryptjs at start-up)}
  bcryptRounds: 8,
  mode: "development",
  readonly: false,
  serverId: null, // null: admin-ui's default (hostname, or hostname#pid in a cluster worker)
  adminNamespace: "/admin",
  path: "/socket.io",
  allowEIO3: false,
  namespaces: ["/chat"], // app namespaces besides "/" (which always exists)
  pingInterval: 25000,
  pingTimeout: 20000,
  connectTimeout: 45000,
  transports: ["polling", "websocket"],
  watchStdin: false, // exit when stdin closes (the fixture sets it: no orphans if pytest dies)
  verbose: false,
};

function log(config, ...args) {
  if (config.verbose) console.error(`[peer ${process.pid}]`, ...args);
}

/** Reads the config from argv[2] (JSON or @file) or WSM_PEER_CONFIG, over DEFAULTS. */
function loadConfig(argv = process.argv, env = process.env) {
  let text = argv[2] || env.WSM_PEER_CONFIG || "{}";
  if (text.startsWith("@")) text = fs.readFileSync(text.slice(1), "utf8");
  const given = JSON.parse(text);
  const unknown = Object.keys(given).filter((k) => !(k in DEFAULTS) && !CLUSTER_KEYS.has(k));
  if (unknown.length) throw new Error(`unknown config keys: ${unknown.join(", ")}`);
  return { ...DEFAULTS, ...given };
}
const CLUSTER_KEYS = new Set(["workers", "ports", "serverIds"]);

/** The serverId admin-ui will put in server_stats (same rule as its computeServerId). */
function effectiveServerId(config) {
  if (config.serverId) return config.serverId;
  return cluster.isWorker ? `${os.hostname()}#${process.pid}` : os.hostname();
}

function adminAuth(config) {
  if (!config.auth) return false;
  const { username, password } = config.auth;
  if (!username || typeof password !== "string") {
    throw new Error("auth needs {username, password}");
  }
  const hash = bcrypt.hashSync(password, config.bcryptRounds);
  return { type: "basic", username, password: hash };
}

/** App-namespace behaviour: small hooks so tests can make events, rooms and acks happen. */
function serveAppNamespace(nsp) {
  nsp.on("connection", (socket) => {
    socket.on("echo", (...args) => {
      const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
      if (ack) ack(...args);
      else socket.emit("echo", ...args);
    });
    socket.on("join", (room) => socket.join(room));
    socket.on("leave", (room) => socket.leave(room));
    socket.on("disconnect-me", (close) => socket.disconnect(Boolean(close)));
  });
}

/**
 * Starts one peer. `options.adapter` (e.g. the cluster adapter factory) is passed to Socket.IO.
 * Resolves to {io, httpServer, truth, info, shutdown} once listening.
 */
function startPeer(config, options = {}) {
  const peer = { config, info: {} };
  // Our handler comes first; Socket.IO then wraps it and only forwards what is not under its path.
  const httpServer = http.createServer((req, res) => {
    if (isControlRequest(req)) return peer.control(req, res);
    res.writeHead(404).end();
  });
  const io = new Server(httpServer, {
    path: config.path,
    allowEIO3: config.allowEIO3,
    pingInterval: config.pingInterval,
    pingTimeout: config.pingTimeout,
    connectTimeout: config.connectTimeout,
    transports: config.transports,
    ...(options.adapter ? { adapter: options.adapter } : {}),
  });
  peer.io = io;

  const truth = new GroundTruth(io, config.adminNamespace);
  peer.truth = truth;
  peer.control = makeHandler(peer);
  truth.attachEngine(); // before instrument(): same events, seen in the same tick

  const adminNsp = io.of(config.adminNamespace);
  // Record ground truth at the very moment admin-ui builds each server_stats (same tick).
  const originalEmit = adminNsp.emit.bind(adminNsp);
  adminNsp.emit = (event, ...args) => {
    if (event === "server_stats") truth.onServerStats(args[0]);
    return originalEmit(event, ...args);
  };
  io._nsps.forEach((nsp) => truth.attachNamespace(nsp));
  io.on("new_namespace", (nsp) => truth.attachNamespace(nsp));
  for (const name of ["/", ...config.namespaces]) serveAppNamespace(io.of(name));

  instrument(io, {
    auth: adminAuth(config),
    mode: config.mode,
    readonly: config.readonly,
    serverId: config.serverId || undefined,
    namespaceName: config.adminNamespace,
  });
  truth.wrapMiddlewares(adminNsp);

  let closing = null;
  peer.shutdown = (why) => {
    if (closing) return closing;
    log(config, `shutting down (${why})`);
    closing = Promise.race([
      io.close(),
      new Promise((resolve) => setTimeout(resolve, 2000).unref()),
    ]).then(() => {
      httpServer.closeAllConnections?.();
    });
    return closing;
  };

  return new Promise((resolve, reject) => {
    httpServer.once("error", reject);
    // exclusive: in a cluster worker, bind our own port instead of sharing the primary's.
    httpServer.listen({ port: config.port, host: config.host, exclusive: true }, () => {
      const { port } = httpServer.address();
      Object.assign(peer.info, {
        port,
        url: `http://${config.host}:${port}`,
        pid: process.pid,
        serverId: effectiveServerId(config),
        adminNamespace: config.adminNamespace,
        path: config.path,
        mode: config.mode,
      });
      log(config, "listening", peer.info);
      resolve({ io, httpServer, truth, info: peer.info, shutdown: peer.shutdown });
    });
  });
}

/** Exits the process after a graceful shutdown on SIGTERM/SIGINT (and stdin EOF if asked). */
function exitOnSignals(config, shutdown) {
  const stop = (why) => shutdown(why).finally(() => process.exit(0));
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
  if (config.watchStdin) {
    process.stdin.on("data", () => {});
    process.stdin.once("end", () => stop("stdin closed"));
    process.stdin.once("close", () => stop("stdin closed"));
  }
}

async function main() {
  const config = loadConfig();
  const peer = await startPeer(config);
  exitOnSignals(config, peer.shutdown);
  process.stdout.write(JSON.stringify({ event: "listening", ...peer.info }) + "\n");
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exit(1);
  });
}

module.exports = { startPeer, loadConfig, exitOnSignals, DEFAULTS };

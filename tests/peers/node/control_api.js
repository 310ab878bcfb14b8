"use strict";
// The peer's control and ground-truth HTTP API, served under /__peer/ on the Socket.IO server's
// own HTTP server. Socket.IO only handles requests under its `path`, so the two never meet.

const PREFIX = "/__peer/";

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function readBody(req) {
  return new Promise((resolve) => {
    let text = "";
    req.on("data", (chunk) => (text += chunk));
    req.on("end", () => {
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch (e) {
        resolve({ __invalid: text });
      }
    });
  });
}

/** Finds a live Socket.IO socket by id, in `nsp` if given, else in any namespace. */
function findSocket(io, id, nspName) {
  for (const [name, nsp] of io._nsps) {
    if (nspName && name !== nspName) continue;
    const socket = nsp.sockets.get(id);
    if (socket) return socket;
  }
  return undefined;
}

function describeSocket(socket, adminName) {
  return {
    id: socket.id,
    nsp: socket.nsp.name,
    engineId: socket.conn.id,
    transport: socket.conn.transport.name,
    rooms: [...socket.rooms],
    monitor: socket.nsp.name === adminName,
  };
}

/**
 * Builds the request handler. `peer` gives io, truth (GroundTruth), config, info and shutdown().
 * Routes (all answer JSON; unknown ids answer 404 {"error"}):
 *   GET  /__peer/health                 -> {ok, serverId, pid, port}
 *   GET  /__peer/stats                  -> ground-truth counters (see README)
 *   GET  /__peer/emissions?since=SEQ    -> server_stats emissions with the engine deltas behind them
 *   GET  /__peer/sockets[?nsp=/]        -> live sockets
 *   POST /__peer/kick?id=SID[&nsp=/][&close=1]    -> socket.disconnect(close)
 *   POST /__peer/kick-all[?nsp=/][&close=1]       -> every app socket (monitors: &monitors=1)
 *   POST /__peer/close-engine?id=ID     -> engine socket close() ("forced close"); ID = engine id
 *                                          or a Socket.IO socket id on that connection
 *   POST /__peer/emit?id=SID&event=EV[&nsp=/]  body: JSON list of arguments
 *   POST /__peer/join?id=SID&room=R[&nsp=/]  and  /__peer/leave?id=SID&room=R[&nsp=/]
 *   POST /__peer/shutdown               -> graceful io.close(), then the process exits
 */
function makeHandler(peer) {
  const { io, truth, config } = peer;
  const adminName = config.adminNamespace;
  const routes = {
    "GET health": () => [200, { ok: true, ...peer.info }],
    "GET stats": () => [200, { ...peer.info, ...truth.current() }],
    "GET emissions": (q) => {
      const since = Number(q.get("since") || 0);
      return [200, { emissions: truth.emissions.filter((e) => e.seq > since) }];
    },
    "GET sockets": (q) => {
      const out = [];
      io._nsps.forEach((nsp, name) => {
        if (q.get("nsp") && q.get("nsp") !== name) return;
        nsp.sockets.forEach((s) => out.push(describeSocket(s, adminName)));
      });
      return [200, { sockets: out }];
    },
    "POST kick": (q) => {
      const socket = findSocket(io, q.get("id"), q.get("nsp"));
      if (!socket) return [404, { error: `no socket ${q.get("id")}` }];
      socket.disconnect(q.get("close") === "1");
      return [200, { kicked: [socket.id] }];
    },
    "POST kick-all": (q) => {
      const kicked = [];
      const withMonitors = q.get("monitors") === "1";
      io._nsps.forEach((nsp, name) => {
        if (q.get("nsp") && q.get("nsp") !== name) return;
        if (name === adminName && !withMonitors) return;
        for (const socket of [...nsp.sockets.values()]) {
          kicked.push(socket.id);
          socket.disconnect(q.get("close") === "1");
        }
      });
      return [200, { kicked }];
    },
    "POST close-engine": (q) => {
      const id = q.get("id");
      let conn = io.engine.clients[id];
      if (!conn) conn = findSocket(io, id)?.conn;
      if (!conn) return [404, { error: `no engine connection ${id}` }];
      conn.close();
      return [200, { closed: conn.id }];
    },
    "POST emit": (q, body) => {
      const socket = findSocket(io, q.get("id"), q.get("nsp"));
      if (!socket) return [404, { error: `no socket ${q.get("id")}` }];
      const args = body === undefined ? [] : Array.isArray(body) ? body : [body];
      socket.emit(q.get("event"), ...args);
      return [200, { emitted: socket.id }];
    },
    "POST join": (q) => {
      const socket = findSocket(io, q.get("id"), q.get("nsp"));
      if (!socket) return [404, { error: `no socket ${q.get("id")}` }];
      socket.join(q.get("room"));
      return [200, { rooms: [...socket.rooms] }];
    },
    "POST leave": (q) => {
      const socket = findSocket(io, q.get("id"), q.get("nsp"));
      if (!socket) return [404, { error: `no socket ${q.get("id")}` }];
      socket.leave(q.get("room"));
      return [200, { rooms: [...socket.rooms] }];
    },
    "POST shutdown": () => {
      // The process exits once Socket.IO is closed (in a cluster: this worker only).
      setImmediate(() => peer.shutdown("control API").finally(() => process.exit(0)));
      return [200, { shuttingDown: true }];
    },
  };

  return async (req, res) => {
    const url = new URL(req.url, "http://peer");
    const route = routes[`${req.method} ${url.pathname.slice(PREFIX.length)}`];
    if (!route) return send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
    const body = req.method === "POST" ? await readBody(req) : undefined;
    try {
      const [status, payload] = route(url.searchParams, body);
      send(res, status, payload);
    } catch (e) {
      send(res, 500, { error: String(e && e.stack ? e.stack : e) });
    }
  };
}

/** True for requests the control API answers (everything else goes to Socket.IO or 404). */
function isControlRequest(req) {
  return req.url.startsWith(PREFIX);
}

module.exports = { makeHandler, isControlRequest };

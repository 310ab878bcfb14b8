"use strict";
// Ground-truth counters for one Socket.IO server, taken from engine.io and socket.io events
// (never from admin-ui), so tests can check what a monitor reports against what really happened.
//
// Packet and byte counters use exactly admin-ui's rule (engine "packet"/"packetCreate" events whose
// packet has `data`; bytes = Buffer.byteLength(data)), so they can be compared one to one with the
// `packetsIn/packetsOut/bytesIn/bytesOut` aggregated events.

const EMISSIONS_KEPT = 200;

function emptyEngine() {
  return {
    opened: 0, // engine "connection" events (admin-ui: rawConnection)
    closed: 0, // engine socket "close" events (admin-ui: rawDisconnection)
    closeReasons: {}, // Engine.IO close reason -> count (admin-ui: rawDisconnection subType)
    openedByTransport: {}, // initial transport of each opened connection
    upgrades: 0, // polling -> websocket upgrades completed
    packetsIn: 0,
    packetsOut: 0,
    bytesIn: 0,
    bytesOut: 0,
  };
}

/** Adds `b` into `a` (numbers and one level of {key: number} maps). */
function addInto(a, b, sign = 1) {
  for (const [key, value] of Object.entries(b)) {
    if (typeof value === "number") {
      a[key] = (a[key] || 0) + sign * value;
    } else {
      a[key] = a[key] || {};
      addInto(a[key], value, sign);
    }
  }
  return a;
}

function clone(obj) {
  return JSON.parse(JSON.stringify(obj));
}

class GroundTruth {
  constructor(io, adminNamespaceName) {
    this.io = io;
    this.adminName = adminNamespaceName;
    // All engine connections, exactly what admin-ui counts (monitors included).
    this.engine = emptyEngine();
    // Closed engine connections whose Socket.IO client had connected to the admin namespace.
    this.closedMonitors = emptyEngine();
    this.engineErrors = {}; // engine "connection_error" (refused handshakes): "code message" -> n
    this.namespaces = {}; // name -> {connects, disconnects, disconnectReasons, connectErrors}
    this.emissions = []; // one entry per server_stats this server emitted
    this.emissionSeq = 0;
    this.lastEmissionTotals = null;
  }

  nsp(name) {
    if (!this.namespaces[name]) {
      this.namespaces[name] = {
        connects: 0,
        disconnects: 0,
        disconnectReasons: {},
        connectErrors: {},
      };
    }
    return this.namespaces[name];
  }

  /** Hooks the engine; call before instrument() so both see the same events. */
  attachEngine() {
    const engine = this.io.engine;
    engine.on("connection_error", (err) => {
      const key = `${err.code} ${err.message}`;
      this.engineErrors[key] = (this.engineErrors[key] || 0) + 1;
    });
    engine.on("connection", (raw) => {
      const perConn = emptyEngine();
      raw.__peerCounters = perConn;
      perConn.opened = 1;
      perConn.openedByTransport[raw.transport.name] = 1;
      this.engine.opened++;
      addInto(this.engine.openedByTransport, { [raw.transport.name]: 1 });
      raw.on("upgrade", () => {
        perConn.upgrades++;
        this.engine.upgrades++;
      });
      raw.on("packet", ({ data }) => {
        if (data) {
          const n = Buffer.byteLength(data);
          perConn.packetsIn++;
          perConn.bytesIn += n;
          this.engine.packetsIn++;
          this.engine.bytesIn += n;
        }
      });
      raw.on("packetCreate", ({ data }) => {
        if (data) {
          const n = Buffer.byteLength(data);
          perConn.packetsOut++;
          perConn.bytesOut += n;
          this.engine.packetsOut++;
          this.engine.bytesOut += n;
        }
      });
      raw.on("close", (reason) => {
        perConn.closed = 1;
        perConn.closeReasons[reason] = 1;
        this.engine.closed++;
        addInto(this.engine.closeReasons, { [reason]: 1 });
        if (raw.__peerIsMonitor) addInto(this.closedMonitors, perConn);
      });
    });
  }

  /** Counts Socket.IO-level connects/disconnects of one namespace. */
  attachNamespace(nsp) {
    const counters = this.nsp(nsp.name);
    const isAdmin = nsp.name === this.adminName;
    nsp.on("connection", (socket) => {
      counters.connects++;
      // The whole engine connection counts as a monitor's once it joins the admin namespace.
      if (isAdmin) socket.conn.__peerIsMonitor = true;
      socket.on("disconnect", (reason) => {
        counters.disconnects++;
        addInto(counters.disconnectReasons, { [reason]: 1 });
      });
    });
  }

  /** Wraps a namespace's middlewares so refused connects (e.g. bad credentials) are counted. */
  wrapMiddlewares(nsp) {
    const counters = this.nsp(nsp.name);
    nsp._fns = nsp._fns.map((fn) => (socket, next) =>
      fn(socket, (err) => {
        if (err) addInto(counters.connectErrors, { [err.message]: 1 });
        next(err);
      }),
    );
  }

  current() {
    const live = { app: 0, monitors: 0 };
    for (const raw of Object.values(this.io.engine.clients)) {
      live[raw.__peerIsMonitor ? "monitors" : "app"]++;
    }
    const namespaces = {};
    this.io._nsps.forEach((nsp, name) => {
      namespaces[name] = { ...clone(this.nsp(name)), socketsCount: nsp.sockets.size };
    });
    const monitors = this.monitorTotals();
    return {
      clientsCount: this.io.engine.clientsCount,
      clientsByKind: live,
      engine: clone(this.engine),
      engineMonitors: monitors,
      engineApp: dropZeroEntries(addInto(clone(this.engine), monitors, -1)),
      engineErrors: clone(this.engineErrors),
      namespaces,
    };
  }

  /** Monitors' engine totals: closed monitor connections plus the live ones so far. */
  monitorTotals() {
    const total = emptyEngine();
    for (const raw of Object.values(this.io.engine.clients)) {
      if (raw.__peerIsMonitor && raw.__peerCounters) addInto(total, raw.__peerCounters);
    }
    addInto(total, this.closedMonitors);
    return total;
  }

  /** Called by the admin namespace's emit wrapper each time admin-ui sends server_stats. */
  onServerStats(payload) {
    const totals = this.current();
    const prev = this.lastEmissionTotals;
    const delta = clone(totals.engine);
    if (prev) addInto(delta, prev.engine, -1);
    this.lastEmissionTotals = totals;
    this.emissionSeq++;
    this.emissions.push({
      seq: this.emissionSeq,
      uptime: payload.uptime,
      serverId: payload.serverId,
      clientsCount: payload.clientsCount,
      sentAt: new Date().toISOString(),
      engineDelta: dropZeroEntries(delta),
      engineTotals: totals.engine,
    });
    if (this.emissions.length > EMISSIONS_KEPT) this.emissions.shift();
  }
}

/** Drops zero entries of the {key: count} maps (closeReasons...), as admin-ui omits them. */
function dropZeroEntries(counters) {
  for (const value of Object.values(counters)) {
    if (typeof value !== "object") continue;
    for (const [key, count] of Object.entries(value)) if (count === 0) delete value[key];
  }
  return counters;
}

module.exports = { GroundTruth };

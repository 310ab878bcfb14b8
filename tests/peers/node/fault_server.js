// Node Socket.IO servers with one fault each, side by side on one port, one path per fault.
// Prints {"port": N} on stdout once listening; exits when stdin closes (the test harness ends).
//
//   /ok/         healthy: allowEIO3, namespaces "/" and "/chat"
//   /noeio3/     allowEIO3 off (EIO=3 clients refused)
//   /cors/       cors.origin = ["https://good.example"]
//   /forbidden/  allowRequest refuses everything
//   /jwt/        middleware verifying a JWT (auth.token, ?token=, Authorization: Bearer, cookie)
//   /kick/       connection handler that disconnects the socket at once
//   /wsonly/     transports: ["websocket"]
//   /pollonly/   transports: ["polling"]
"use strict";

const http = require("http");
const { Server } = require("socket.io");
const jwt = require("jsonwebtoken");

const SECRET = process.env.JWT_SECRET || "fault-secret-for-wsmonitor-tests-0123456789";
const httpServer = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"status":"ok"}');
    return;
  }
  // Engine.IO handles its own paths; anything else is a 404 (after they had their chance).
  setImmediate(() => {
    if (!res.headersSent && !res.writableEnded) {
      res.writeHead(404);
      res.end("not found");
    }
  });
});

function make(path, opts = {}) {
  const io = new Server(httpServer, {
    path,
    destroyUpgrade: false,
    pingInterval: 300,
    pingTimeout: 300,
    connectTimeout: 2000,
    ...opts,
  });
  io.of("/chat").on("connection", () => {});
  return io;
}

make("/ok/", { allowEIO3: true }).on("connection", () => {});
make("/noeio3/", { allowEIO3: false }).on("connection", () => {});
make("/cors/", { allowEIO3: true, cors: { origin: ["https://good.example"] } }).on(
  "connection",
  () => {},
);
make("/forbidden/", {
  allowEIO3: true,
  allowRequest: (req, callback) => callback("forbidden by policy", false),
});

function tokenOf(socket) {
  const hs = socket.handshake;
  if (hs.auth && hs.auth.token) return hs.auth.token;
  if (hs.query && hs.query.token) return hs.query.token;
  const authz = hs.headers.authorization || "";
  if (authz.startsWith("Bearer ")) return authz.slice(7);
  const m = /(?:^|;\s*)token=([^;]+)/.exec(hs.headers.cookie || "");
  return m ? m[1] : null;
}

const jwtIo = make("/jwt/", { allowEIO3: true });
jwtIo.use((socket, next) => {
  const token = tokenOf(socket);
  if (!token) return next(new Error("missing token"));
  jwt.verify(token, SECRET, (err) => {
    if (err) return next(new Error(err.name === "TokenExpiredError" ? "jwt expired" : "invalid token"));
    next();
  });
});
jwtIo.on("connection", () => {});

make("/kick/", { allowEIO3: true }).on("connection", (socket) => socket.disconnect(true));
make("/wsonly/", { allowEIO3: true, transports: ["websocket"] }).on("connection", () => {});
make("/pollonly/", { allowEIO3: true, transports: ["polling"] }).on("connection", () => {});

// A Node server whose only engine is polling-only has no "upgrade" listener, and Node then
// destroys upgrade requests at once; sharing the port with other engines hides that, so do it here.
httpServer.on("upgrade", (req, socket) => {
  if (req.url.startsWith("/pollonly/")) socket.destroy();
});

httpServer.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: httpServer.address().port }) + "\n");
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();

// The node:net side of closewait's node layer: one script, run unchanged
// under Node.js, Deno and Bun. It reads one JSON command per line on stdin,
// does it with node:net, and answers with one JSON line on stdout. Every
// socket it makes records its events ('connect', 'data', 'end', 'finish',
// 'close', 'error', write callbacks) in order, with a sequence number shared
// by all sockets, so the Deno side can ask "which events, in what order,
// with which code/syscall/message" after each step of a case.
//
// Protocol (lib/runtimes/driver.ts is the other end):
//   first line out: {"hello":"closewait-node-driver","versions":{...}}
//   in:  {"id":1,"op":"connect","host":"127.0.0.1","port":4000}
//   out: {"id":1,"ok":true,...}   or   {"id":1,"ok":false,"error":"..."}
// A node:net call that throws is an observation, not a protocol error: the
// answer is ok with "threw": {name, code, message}.

import net from "node:net";
import process from "node:process";
import { createInterface } from "node:readline";

const started = performance.now();
let seq = 0;
const sockets = new Map();
const servers = new Map();
let nextId = 1;

function send(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

function describeError(e) {
  if (!e || typeof e !== "object") return { message: String(e) };
  const out = { name: e.name, message: e.message };
  if (e.code !== undefined) out.code = e.code;
  if (e.syscall !== undefined) out.syscall = e.syscall;
  if (e.errno !== undefined) out.errno = e.errno;
  return out;
}

function endpoint(address, port) {
  return address === undefined ? undefined : { address, port };
}

/** Gives `socket` an id and records every event it emits from now on. */
function track(socket, prefix, { read = true } = {}) {
  const id = `${prefix}${nextId++}`;
  const entry = { socket, log: [], waiters: [] };
  sockets.set(id, entry);
  const record = (event, detail) => {
    const item = {
      seq: seq++,
      t: Math.round(performance.now() - started),
      event,
    };
    if (detail !== undefined) item.detail = detail;
    entry.log.push(item);
    for (const w of [...entry.waiters]) w();
  };
  entry.record = record;
  socket.on("connect", () => record("connect"));
  socket.on("end", () => record("end"));
  socket.on("finish", () => record("finish"));
  socket.on("close", (hadError) => record("close", { hadError }));
  socket.on("error", (e) => record("error", describeError(e)));
  if (read) {
    socket.on(
      "data",
      (chunk) => record("data", { text: chunk.toString("latin1") }),
    );
  }
  return id;
}

function entryOf(msg) {
  const entry = sockets.get(msg.sock);
  if (!entry) throw new Error(`no socket ${JSON.stringify(msg.sock)}`);
  return entry;
}

function props(socket) {
  return {
    readable: socket.readable,
    writable: socket.writable,
    destroyed: socket.destroyed,
    readyState: socket.readyState,
    allowHalfOpen: socket.allowHalfOpen,
    writableEnded: socket.writableEnded,
    readableEnded: socket.readableEnded,
  };
}

/** Runs a node:net call; a throw is recorded as what the call did. */
function attempt(fn) {
  try {
    return { returned: fn() };
  } catch (e) {
    return { threw: describeError(e) };
  }
}

function same(entry, value) {
  if (value === entry.socket) return "socket";
  return value === null || typeof value !== "object" ? value : typeof value;
}

function waitFor(entry, predicate, timeoutMs) {
  return new Promise((resolve) => {
    const check = () => {
      if (!predicate()) return false;
      clearTimeout(timer);
      entry.waiters = entry.waiters.filter((w) => w !== check);
      resolve(true);
      return true;
    };
    const timer = setTimeout(() => {
      entry.waiters = entry.waiters.filter((w) => w !== check);
      resolve(false);
    }, timeoutMs);
    if (!check()) entry.waiters.push(check);
  });
}

const ops = {
  listen(msg) {
    const server = net.createServer({
      allowHalfOpen: Boolean(msg.allowHalfOpen),
      pauseOnConnect: Boolean(msg.pauseOnConnect),
    });
    const id = `l${nextId++}`;
    const entry = { server, accepted: [], waiters: [] };
    servers.set(id, entry);
    server.on("connection", (socket) => {
      entry.accepted.push(
        track(socket, "s", { read: !msg.pauseOnConnect && msg.read !== false }),
      );
      for (const w of [...entry.waiters]) w();
    });
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, msg.host, () => {
        server.off("error", reject);
        resolve({ server: id, port: server.address().port });
      });
    });
  },
  async accept(msg) {
    const entry = servers.get(msg.server);
    if (!entry) throw new Error(`no server ${JSON.stringify(msg.server)}`);
    const ok = await waitFor(
      entry,
      () => entry.accepted.length > 0,
      msg.timeoutMs ?? 2000,
    );
    if (!ok) {
      throw new Error(
        `no connection accepted within ${msg.timeoutMs ?? 2000} ms`,
      );
    }
    const sock = entry.accepted.shift();
    const s = sockets.get(sock).socket;
    return {
      sock,
      local: endpoint(s.localAddress, s.localPort),
      remote: endpoint(s.remoteAddress, s.remotePort),
    };
  },
  closeServer(msg) {
    const entry = servers.get(msg.server);
    if (!entry) throw new Error(`no server ${JSON.stringify(msg.server)}`);
    servers.delete(msg.server);
    // Stops listening; the callback would wait for every accepted socket.
    entry.server.close();
    return {};
  },
  async connect(msg) {
    const socket = new net.Socket({
      allowHalfOpen: Boolean(msg.allowHalfOpen),
    });
    const sock = track(socket, "c", { read: msg.read !== false });
    socket.connect({ host: msg.host, port: msg.port });
    if (msg.then) {
      // A call in the same tick as connect(): the socket is still connecting.
      const entry = sockets.get(sock);
      const r = attempt(() => socket[msg.then]());
      return {
        sock,
        connecting: true,
        then: r.threw ? r : { returned: same(entry, r.returned) },
      };
    }
    if (msg.wait === false) return { sock };
    const entry = sockets.get(sock);
    await waitFor(
      entry,
      () => entry.log.some((e) => e.event === "connect" || e.event === "close"),
      msg.timeoutMs ?? 2000,
    );
    return {
      sock,
      local: endpoint(socket.localAddress, socket.localPort),
      remote: endpoint(socket.remoteAddress, socket.remotePort),
    };
  },
  write(msg) {
    const entry = entryOf(msg);
    const r = attempt(() =>
      entry.socket.write(
        msg.text,
        (err) => entry.record("write-cb", err ? describeError(err) : null),
      )
    );
    return r.threw ? r : { returned: r.returned };
  },
  end(msg) {
    const entry = entryOf(msg);
    const r = attempt(() =>
      msg.text === undefined ? entry.socket.end() : entry.socket.end(msg.text)
    );
    return r.threw ? r : { returned: same(entry, r.returned) };
  },
  /** Several calls on one socket in the same tick, e.g. end() then resetAndDestroy(). */
  calls(msg) {
    const entry = entryOf(msg);
    const results = msg.calls.map((name) => {
      const r = attempt(() => entry.socket[name]());
      return r.threw ? r : { returned: same(entry, r.returned) };
    });
    return { results };
  },
  destroy(msg) {
    const entry = entryOf(msg);
    const r = attempt(() => entry.socket.destroy());
    return r.threw ? r : { returned: same(entry, r.returned) };
  },
  resetAndDestroy(msg) {
    const entry = entryOf(msg);
    const r = attempt(() => entry.socket.resetAndDestroy());
    return r.threw ? r : { returned: same(entry, r.returned) };
  },
  /**
   * Scripts a call inside an event handler (`on: "end"`, `do: "write"`):
   * what a handler does at that moment, which a later command cannot see.
   * Its outcome is logged as a `react` event.
   */
  react(msg) {
    const entry = entryOf(msg);
    entry.socket.once(msg.on, () => {
      const s = entry.socket;
      const r = attempt(() => {
        switch (msg.do) {
          case "write":
            return s.write(
              msg.text,
              (err) =>
                entry.record("write-cb", err ? describeError(err) : null),
            );
          case "end":
            return s.end();
          case "destroy":
            return s.destroy();
          case "resetAndDestroy":
            return s.resetAndDestroy();
          default:
            throw new Error(`cannot react with ${msg.do}`);
        }
      });
      entry.record(
        "react",
        r.threw ? { threw: r.threw } : { returned: same(entry, r.returned) },
      );
    });
    return {};
  },
  /** `for await (const chunk of socket)` to the end; returns what it read. */
  async iterate(msg) {
    const entry = entryOf(msg);
    let text = "";
    try {
      for await (const chunk of entry.socket) text += chunk.toString("latin1");
    } catch (e) {
      return { text, threw: describeError(e) };
    }
    return { text };
  },
  pause(msg) {
    entryOf(msg).socket.pause();
    return {};
  },
  resume(msg) {
    entryOf(msg).socket.resume();
    return {};
  },
  /** Waits until `count` events named `event` are logged (or the time is up). */
  async wait(msg) {
    const entry = entryOf(msg);
    const count = msg.count ?? 1;
    const found = await waitFor(
      entry,
      () => entry.log.filter((e) => e.event === msg.event).length >= count,
      msg.timeoutMs ?? 2000,
    );
    return { found, log: entry.log, props: props(entry.socket) };
  },
  /** Waits until no event has been logged for `quietMs` (at most `timeoutMs`). */
  async settle(msg) {
    const entry = entryOf(msg);
    const quietMs = msg.quietMs ?? 100;
    const deadline = performance.now() + (msg.timeoutMs ?? 2000);
    let seen = -1;
    while (seen !== entry.log.length && performance.now() < deadline) {
      seen = entry.log.length;
      await new Promise((r) => setTimeout(r, quietMs));
    }
    return { log: entry.log, props: props(entry.socket) };
  },
  log(msg) {
    const entry = entryOf(msg);
    return { log: entry.log, props: props(entry.socket) };
  },
  /** The events after the next tick: what a handler sees "on nextTick". */
  tick(msg) {
    const entry = entryOf(msg);
    return new Promise((resolve) =>
      process.nextTick(() =>
        resolve({ log: entry.log, props: props(entry.socket) })
      )
    );
  },
  exit() {
    setTimeout(() => process.exit(0), 0);
    return {};
  },
};

process.on("uncaughtException", (e) => {
  send({ fatal: describeError(e) });
  process.exit(70);
});

send({
  hello: "closewait-node-driver",
  versions: {
    node: process.versions.node,
    deno: process.versions.deno,
    bun: process.versions.bun,
  },
});

const lines = createInterface({ input: process.stdin });
lines.on("line", async (line) => {
  let msg;
  try {
    msg = JSON.parse(line);
  } catch {
    send({ ok: false, error: `not JSON: ${line.slice(0, 80)}` });
    return;
  }
  const op = ops[msg.op];
  if (!op) {
    send({
      id: msg.id,
      ok: false,
      error: `unknown op ${JSON.stringify(msg.op)}`,
    });
    return;
  }
  try {
    send({ id: msg.id, ok: true, ...(await op(msg)) });
  } catch (e) {
    send({
      id: msg.id,
      ok: false,
      error: e instanceof Error ? e.message : String(e),
    });
  }
});
// stdin closed: the kit is gone, so is this driver.
lines.on("close", () => process.exit(0));

// A small proxy between the browser and the reference server that the tests command to misbehave, the
// way a real network does: pause (stall every byte), drop (reset every connection, or one), cut (refuse
// new ones until restored), slow answers, fail or hold the next matching request, and `chaos`, all of
// these at random, for the soak. It forwards plain HTTP, server-sent events, long polling and WebSocket
// upgrades, and notes which transports it saw.
import { createServer, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { once } from 'node:events';

export class FaultProxy {
  #servers = [];
  #sockets = new Set();
  #paused = false;
  #waiting = [];
  #down = false;
  #rules = [];
  #refuseWebSockets = false;
  #slowMs = 0;
  #chaosTimer;
  transportsSeen = new Set();
  /** How many faults of each kind `chaos` has injected. */
  faults = { pause: 0, resetOne: 0, resetAll: 0, lostAnswer: 0, slow: 0 };

  constructor(targetPort) {
    this.targetPort = targetPort;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    this.port = await this.#listen();
    return this;
  }

  /**
   * Another port into the same proxy, under the same faults. A browser shares six HTTP connections per
   * host and port among all its pages; many widgets on one page, each behind a door of its own, each
   * have their own six, as visitors in their own browsers do.
   */
  async door() {
    return `http://127.0.0.1:${await this.#listen()}`;
  }

  async #listen() {
    const server = createServer((req, res) => this.#onRequest(req, res));
    server.on('connection', socket => this.#track(socket));
    server.on('upgrade', (req, socket, head) => this.#onUpgrade(req, socket, head));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    this.#servers.push(server);
    return server.address().port;
  }

  /** Every byte stops moving, both ways, on open connections and new ones, until resume(). */
  pause() {
    this.#paused = true;
    for (const socket of this.#sockets) socket.pause();
  }

  resume() {
    this.#paused = false;
    for (const socket of this.#sockets) socket.resume();
    for (const go of this.#waiting.splice(0)) go();
  }

  /** Resets one open connection, chosen at random: a single flow lost by a flaky network. */
  dropOne(random = Math.random) {
    const sockets = [...this.#sockets];
    if (sockets.length === 0) return;
    const socket = sockets[Math.floor(random() * sockets.length)];
    socket.resetAndDestroy();
    this.#sockets.delete(socket);
  }

  /** Every HTTP answer is held `ms` before it goes back (0: at once), as over a congested link. */
  slow(ms) {
    this.#slowMs = ms;
  }

  /**
   * Faults at random until `calm()`: every 0.3–1.5 s one of a pause of every byte (0.2–1.5 s), a reset of
   * one connection, a reset of all, a lost answer to the next send (`POST` under `sendPath`, which then
   * reaches the server), or slow answers (0.2–1.5 s each, for 1–3 s). `random` makes a run repeatable.
   */
  chaos({ random = Math.random, sendPath = '/chats/' } = {}) {
    const between = (min, max) => min + random() * (max - min);
    const next = () => {
      this.#chaosTimer = setTimeout(
        () => {
          const roll = random();
          if (roll < 0.2) {
            this.faults.pause++;
            this.pause();
            this.#chaosTimer = setTimeout(
              () => {
                this.resume();
                next();
              },
              between(200, 1500),
            );
            return;
          }
          if (roll < 0.5) {
            this.faults.resetOne++;
            this.dropOne(random);
          } else if (roll < 0.6) {
            this.faults.resetAll++;
            this.drop();
          } else if (roll < 0.8) {
            this.faults.lostAnswer++;
            this.failNext({ method: 'POST', path: sendPath, loseResponse: true });
          } else {
            this.faults.slow++;
            this.slow(between(200, 1500));
            this.#chaosTimer = setTimeout(
              () => {
                this.slow(0);
                next();
              },
              between(1000, 3000),
            );
            return;
          }
          next();
        },
        between(300, 1500),
      );
    };
    next();
  }

  /** Ends `chaos` and every fault it left on: bytes flow, answers are prompt, no request is failed. */
  calm() {
    clearTimeout(this.#chaosTimer);
    this.#rules = [];
    this.slow(0);
    this.resume();
  }

  /** Resets every open connection (TCP RST), as a flaky network or a restarted router does. */
  drop() {
    for (const socket of this.#sockets) socket.resetAndDestroy();
    this.#sockets.clear();
  }

  /** The network is gone: open connections reset, new ones refused, until restore(). */
  cut() {
    this.#down = true;
    this.drop();
  }

  restore() {
    this.#down = false;
  }

  /** WebSocket upgrades are reset, as behind a proxy that does not pass them; the other transports still work. */
  refuseWebSockets() {
    this.#refuseWebSockets = true;
  }

  allowWebSockets() {
    this.#refuseWebSockets = false;
  }

  /**
   * The next request matching `method` and a path starting with `path` gets `status` (with `headers`)
   * instead of reaching the server; with `hang`, it gets no answer at all; with `loseResponse`, it reaches
   * the server and its answer is thrown away by resetting the connection.
   */
  failNext(rule) {
    this.#rules.push(rule);
  }

  async stop() {
    clearTimeout(this.#chaosTimer);
    this.drop();
    for (const server of this.#servers) {
      server.closeAllConnections();
      server.close();
    }
  }

  #track(socket) {
    if (this.#down) {
      socket.resetAndDestroy();
      return;
    }
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => {});
    if (this.#paused) socket.pause();
  }

  #takeRule(req) {
    const index = this.#rules.findIndex(rule => rule.method === req.method && req.url.startsWith(rule.path));
    return index < 0 ? undefined : this.#rules.splice(index, 1)[0];
  }

  #notice(req) {
    if (!req.url.startsWith('/hubs/') || req.url.includes('/negotiate')) return;
    if (req.headers.accept === 'text/event-stream') this.transportsSeen.add('server-sent-events');
    else if (req.method === 'GET') this.transportsSeen.add('long-polling');
  }

  #onRequest(req, res) {
    if (this.#paused) {
      this.#waiting.push(() => this.#onRequest(req, res));
      return;
    }
    const rule = this.#takeRule(req);
    if (rule?.hang) return;
    if (rule?.status) {
      res.writeHead(rule.status, {
        'Access-Control-Allow-Origin': req.headers.origin ?? '*',
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Expose-Headers': 'Retry-After',
        ...rule.headers,
      });
      res.end(rule.body ?? '');
      return;
    }
    this.#notice(req);
    const upstream = httpRequest(
      { host: '127.0.0.1', port: this.targetPort, method: req.method, path: req.url, headers: req.headers, agent: false },
      answer => {
        if (rule?.loseResponse) {
          answer.resume();
          answer.on('end', () => req.socket.resetAndDestroy());
          return;
        }
        const forward = () => {
          if (res.destroyed) return answer.destroy();
          res.writeHead(answer.statusCode, answer.rawHeaders);
          answer.pipe(res);
          // An upstream that dies mid-answer (a killed server under an event stream) must not leave the
          // browser holding a stream that looks open: close it, as a real proxy does.
          answer.on('close', () => {
            if (!answer.complete) res.destroy();
          });
          if (answer.destroyed && !answer.complete) res.destroy();
        };
        if (this.#slowMs > 0) setTimeout(forward, this.#slowMs);
        else forward();
      },
    );
    upstream.on('socket', socket => this.#track(socket));
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }

  #onUpgrade(req, socket, head) {
    if (this.#refuseWebSockets) {
      socket.resetAndDestroy();
      return;
    }
    this.transportsSeen.add('websockets');
    const upstream = connect(this.targetPort, '127.0.0.1', () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    this.#track(upstream);
    const close = () => {
      upstream.destroy();
      socket.destroy();
    };
    upstream.on('error', close);
    socket.on('error', close);
  }
}

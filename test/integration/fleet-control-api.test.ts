import { request as httpRequest } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlApi, type ControlApi } from "waku-peers-fleet";
import { startFleet } from "waku-peers-fleet";
import type { Fleet, FleetNodeInfo } from "waku-peers-fleet";
import { listeningAddresses } from "./_fleet-helpers.js";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

describe("the fleet control API", () => {
  let fleet: Fleet;
  let api: ControlApi;

  beforeAll(async () => {
    fleet = await startFleet({ nodes: 3, bootstrap: 1 });
    api = await startControlApi(fleet);
  });

  afterAll(async () => {
    await api?.close();
    await fleet?.close();
  });

  /** Raw HTTP, so tests can send any Host / Origin / Authorization they like. */
  function call(
    method: string,
    path: string,
    options: { token?: string | null; headers?: Record<string, string>; body?: string } = {},
  ): Promise<Reply> {
    const token = options.token === undefined ? api.token : options.token;
    const headers: Record<string, string> = {
      ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
      ...(options.body === undefined ? {} : { "Content-Type": "application/json" }),
      ...options.headers,
    };
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${api.url}${path}`, { method, headers }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined }),
        );
      });
      req.on("error", reject);
      req.end(options.body);
    });
  }

  const node = (reply: Reply) => (reply.body as { node: FleetNodeInfo }).node;

  /** A POST whose client can hang up before the reply. */
  function post(target: ControlApi, path: string): { reply: Promise<Reply>; hangUp: () => void } {
    let hangUp: () => void = () => {};
    const reply = new Promise<Reply>((resolve, reject) => {
      const req = httpRequest(
        `${target.url}${path}`,
        { method: "POST", headers: { Authorization: `Bearer ${target.token}` } },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: text ? (JSON.parse(text) as unknown) : undefined,
            }),
          );
        },
      );
      req.on("error", reject);
      hangUp = () => {
        req.destroy();
      };
      req.end();
    });
    // A hung-up request never gets its reply; nobody waits for it.
    reply.catch(() => undefined);
    return { reply, hangUp: () => hangUp() };
  }

  it("listens on 127.0.0.1 only: its bound address and the kernel's socket table say so", () => {
    const address = api.server.address() as AddressInfo;
    expect(address.address).toBe("127.0.0.1");
    expect(api.url).toBe(`http://127.0.0.1:${address.port}`);
    // Every socket listening on this port, any address, any process: just the one on loopback.
    expect(listeningAddresses(address.port)).toEqual(["127.0.0.1"]);
    // The fleet nodes too.
    for (const fleetNode of fleet.nodes)
      expect(listeningAddresses(fleetNode.port), `node ${fleetNode.index}`).toEqual(["127.0.0.1"]);
  });

  it("answers 401 without a token, with a wrong one, or with a wrong scheme", async () => {
    for (const reply of [
      await call("GET", "/nodes", { token: null }),
      await call("GET", "/nodes", { token: "0".repeat(64) }),
      await call("GET", "/nodes", { token: api.token.slice(1) }),
      await call("GET", "/nodes", { token: null, headers: { Authorization: `Basic ${api.token}` } }),
      await call("POST", "/nodes/1/kill", { token: null }),
    ]) {
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({ error: "missing or wrong token" });
    }
    expect(fleet.nodes[1]!.state).toBe("running");
  });

  it("lists the nodes with the token, in the header or the query", async () => {
    const reply = await call("GET", "/nodes");
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toMatch(/^application\/json/);
    expect(reply.body).toEqual({ clusterId: 42, numShardsInCluster: 8, nodes: JSON.parse(JSON.stringify(fleet.nodes)) });
    const viaQuery = await call("GET", `/nodes?token=${api.token}`, { token: null });
    expect(viaQuery.status).toBe(200);
  });

  it("refuses a Host header that is not this server (DNS rebinding)", async () => {
    const { port } = api;
    expect((await call("GET", "/nodes", { headers: { Host: `evil.example:${port}` } })).status).toBe(421);
    expect((await call("GET", "/nodes", { headers: { Host: "127.0.0.1" } })).status).toBe(421);
    expect((await call("GET", "/nodes", { headers: { Host: `127.0.0.1:${port + 1}` } })).status).toBe(421);
    expect((await call("GET", "/nodes", { headers: { Host: `localhost:${port}` } })).status).toBe(200);
  });

  it("lets a loopback page through CORS, refuses other origins even with the token", async () => {
    const playground = "http://127.0.0.1:5173";
    const preflight = await call("OPTIONS", "/nodes/1/fault", {
      token: null,
      headers: {
        Origin: playground,
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "authorization, content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe(playground);
    expect(preflight.headers["access-control-allow-headers"]).toMatch(/Authorization/);
    expect(preflight.headers["access-control-allow-headers"]).toMatch(/Content-Type/);
    expect(preflight.headers["access-control-allow-methods"]).toMatch(/PUT/);

    const fromPlayground = await call("GET", "/nodes", { headers: { Origin: playground } });
    expect(fromPlayground.status).toBe(200);
    expect(fromPlayground.headers["access-control-allow-origin"]).toBe(playground);
    expect((await call("GET", "/nodes", { token: null, headers: { Origin: playground } })).status).toBe(401);

    for (const origin of ["https://evil.example", "null", "http://127.0.0.1.evil.example:5173"]) {
      const refused = await call("POST", "/nodes/1/kill", { headers: { Origin: origin } });
      expect(refused.status).toBe(403);
      expect(refused.headers["access-control-allow-origin"]).toBeUndefined();
      const refusedPreflight = await call("OPTIONS", "/nodes/1/kill", { token: null, headers: { Origin: origin } });
      expect(refusedPreflight.status).toBe(403);
    }
    expect(fleet.nodes[1]!.state).toBe("running");
  });

  it("answers 404 for an unknown node or route and 405 for a wrong method", async () => {
    for (const path of [
      "/nodes/3/kill",
      "/nodes/-1/stats",
      "/nodes/abc/fault",
      "/nodes/01/kill",
      "/nodes/1/explode",
      "/",
      "/nodes/1/kill/now",
    ]) {
      const reply = await call("POST", path);
      expect(reply.status, path).toBe(404);
      expect(reply.body).toHaveProperty("error");
    }
    expect((await call("GET", "/nodes/1/kill")).status).toBe(405);
    expect((await call("DELETE", "/nodes")).status).toBe(405);
  });

  it("validates fault bodies: 400 with a reason, 413 when too large", async () => {
    const bad: [string, RegExp][] = [
      ["not json", /not valid JSON/],
      ["", /JSON body is required/],
      ["[]", /must be a JSON object/],
      ["null", /must be a JSON object/],
      ['{"lightPushStatus":"503"}', /lightPushStatus/],
      ['{"lightPushStatus":42}', /lightPushStatus/],
      ['{"latencyMs":-1}', /latencyMs/],
      ['{"jitterMs":70000}', /jitterMs/],
      ['{"filterSilent":"yes"}', /filterSilent/],
      ['{"explode":true}', /unknown fault field "explode"/],
      ['{"pxFlood":"yes"}', /pxFlood must be true, false or an object/],
      ['{"pxFlood":{"records":0}}', /pxFlood.records must be an integer in 1..20000/],
      ['{"pxFlood":{"records":5,"garbage":6}}', /garbage cannot exceed/],
      ['{"pxFlood":{"tarpit":1}}', /unknown pxFlood field "tarpit"/],
      ['{"dropConnection":{}}', /needs afterRequests or probability/],
      ['{"dropConnection":{"probability":1.5}}', /probability must be a number in 0..1/],
      ['{"dropConnection":{"afterRequests":-1}}', /afterRequests must be an integer/],
    ];
    for (const [body, reason] of bad) {
      const reply = await call("PUT", "/nodes/1/fault", { body });
      expect(reply.status, body).toBe(400);
      expect((reply.body as { error: string }).error).toMatch(reason);
    }
    const huge = await call("PUT", "/nodes/1/fault", { body: JSON.stringify({ latencyMs: 1, pad: "x".repeat(20_000) }) });
    expect(huge.status).toBe(413);
    expect(fleet.nodes[1]!.fault).toEqual({});
  });

  it("sets and clears faults", async () => {
    const set = await call("PUT", "/nodes/1/fault", { body: JSON.stringify({ storeError: 500, filterSilent: true }) });
    expect(set.status).toBe(200);
    expect(node(set).fault).toEqual({ storeError: 500, filterSilent: true });
    expect(fleet.nodes[1]!.fault).toEqual({ storeError: 500, filterSilent: true });

    const cleared = await call("PUT", "/nodes/1/fault", { body: "{}" });
    expect(node(cleared).fault).toEqual({});

    await call("PUT", "/nodes/1/fault", { body: JSON.stringify({ wrongCluster: 7 }) });
    const deleted = await call("DELETE", "/nodes/1/fault");
    expect(deleted.status).toBe(200);
    expect(node(deleted).fault).toEqual({});
  });

  it("switches the hostile faults: pxFlood (true = the defaults) and dropConnection", async () => {
    const flood = await call("PUT", "/nodes/1/fault", {
      body: JSON.stringify({ pxFlood: true, dropConnection: { afterRequests: 3 } }),
    });
    expect(flood.status).toBe(200);
    expect(node(flood).fault).toEqual({ pxFlood: {}, dropConnection: { afterRequests: 3 } });
    const tuned = await call("PUT", "/nodes/1/fault", {
      body: JSON.stringify({ pxFlood: { records: 50, garbage: 0 }, dropConnection: { probability: 0.25 } }),
    });
    expect(node(tuned).fault).toEqual({ pxFlood: { records: 50, garbage: 0 }, dropConnection: { probability: 0.25 } });
    const stats = await call("GET", "/nodes/1/stats");
    expect(stats.body).toMatchObject({
      stats: {
        tarpitConnections: expect.any(Number),
        connectionsDropped: expect.any(Number),
        peerExchangeRecordsSent: expect.any(Number),
      },
    });
    expect(node(await call("DELETE", "/nodes/1/fault")).fault).toEqual({});
  });

  it("drops queued operations whose client hung up, and answers 429 once a node has too many pending", {
    timeout: 180_000,
  }, async () => {
    const outcomes: Promise<string>[] = [];
    const recording: Fleet = {
      get nodes() {
        return fleet.nodes;
      },
      clusterId: fleet.clusterId,
      numShardsInCluster: fleet.numShardsInCluster,
      kill: (index, options) => fleet.kill(index, options),
      stop: (index, options) => fleet.stop(index, options),
      freeze: (index, options) => fleet.freeze(index, options),
      thaw: (index, options) => fleet.thaw(index, options),
      restart: (index, options) => {
        const run = fleet.restart(index, options);
        outcomes.push(
          run.then(
            () => "ran",
            (error: { code?: string }) => error.code ?? "failed",
          ),
        );
        return run;
      },
      setFault: (index, fault) => fleet.setFault(index, fault),
      stats: (index) => fleet.stats(index),
      close: () => fleet.close(),
    };
    const recorded = await startControlApi(recording);
    try {
      // One restart runs, four wait behind it (the most a node takes), the sixth is refused.
      const requests = Array.from({ length: 6 }, () => post(recorded, "/nodes/2/restart"));
      await expect.poll(() => outcomes.length).toBe(6);
      const refused = await requests[5]!.reply;
      expect(refused.status).toBe(429);
      expect(refused.headers["retry-after"]).toBe("1");
      expect((refused.body as { error: string }).error).toMatch(/already has 5 operations pending/);
      // Three clients give up while their restarts still wait.
      for (const request of requests.slice(2, 5)) request.hangUp();
      expect((await requests[0]!.reply).status).toBe(200);
      expect((await requests[1]!.reply).status).toBe(200);
      expect(await Promise.all(outcomes)).toEqual(["ran", "ran", "ABORTED", "ABORTED", "ABORTED", "BUSY"]);
      expect(fleet.nodes[2]!.state).toBe("running");
    } finally {
      await recorded.close();
    }
  });

  it("drives the node lifecycle and reads stats", async () => {
    const stats = await call("GET", "/nodes/2/stats");
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ index: 2, stats: { connectedPeers: expect.any(Array) } });

    const { peerId, port } = fleet.nodes[2]!;
    expect(node(await call("POST", "/nodes/2/kill")).state).toBe("killed");
    const whileKilled = await call("GET", "/nodes/2/stats");
    expect(whileKilled.status).toBe(409);
    expect(node(await call("POST", "/nodes/2/restart"))).toMatchObject({ state: "running", peerId, port });
    expect(node(await call("POST", "/nodes/2/freeze")).state).toBe("frozen");
    expect((await call("GET", "/nodes/2/stats")).status).toBe(409);
    expect(node(await call("POST", "/nodes/2/thaw")).state).toBe("running");
    expect(node(await call("POST", "/nodes/2/stop")).state).toBe("stopped");
    expect(node(await call("POST", "/nodes/2/restart")).state).toBe("running");
  });

  it("close is idempotent and frees the port", async () => {
    const other = await startControlApi(fleet);
    await Promise.all([other.close(), other.close()]);
    await expect(call("GET", "/nodes").then((reply) => reply.status)).resolves.toBe(200);
    const refused = await new Promise<string>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port: other.port });
      socket.once("connect", () => {
        socket.destroy();
        resolve("connected");
      });
      socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? ""));
    });
    expect(refused).toBe("ECONNREFUSED");
  });
});

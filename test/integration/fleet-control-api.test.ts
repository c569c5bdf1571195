import { request as httpRequest } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlApi, type ControlApi } from "waku-peers-fleet";
import { startFleet } from "waku-peers-fleet";
import type { Fleet, FleetNodeInfo } from "waku-peers-fleet";


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

  it("listens on 127.0.0.1 only", async () => {
    const address = api.server.address() as AddressInfo;
    expect(address.address).toBe("127.0.0.1");
    expect(api.url).toBe(`http://127.0.0.1:${address.port}`);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((info) => info && !info.internal && info.family === "IPv4");
    if (!external) {
      console.log("[fleet-control-api] no non-loopback IPv4 interface on this machine; connect check skipped");
      return;
    }
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: external.address, port: address.port });
      socket.once("connect", () => {
        socket.destroy();
        resolve("connected");
      });
      socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    console.log(`[fleet-control-api] connect to ${external.address}:${address.port} → ${outcome}`);
    expect(outcome).not.toBe("connected");
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
      headers: { Origin: playground, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "authorization, content-type" },
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
    for (const path of ["/nodes/3/kill", "/nodes/-1/stats", "/nodes/abc/fault", "/nodes/01/kill", "/nodes/1/explode", "/", "/nodes/1/kill/now"]) {
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
      ['{"filterSilent":"yes"}', /filterSilent/],
      ['{"explode":true}', /unknown fault field "explode"/],
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

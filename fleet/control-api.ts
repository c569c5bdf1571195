/**
 * HTTP control API over a fleet, for the playground and for tooling. Loopback only.
 *
 * Guards, all on every request:
 * - bound to 127.0.0.1 explicitly;
 * - `Authorization: Bearer <token>` (or `?token=<token>`, for tools that cannot set headers) with a
 *   random token, compared in constant time — this is what stops another page in the browser;
 * - the Host header must name this server (127.0.0.1 or localhost, with its port): defeats DNS
 *   rebinding, where a hostile name resolves to 127.0.0.1 and the browser thinks it is same-origin;
 * - a request carrying an Origin header that is not a loopback http origin is refused (403);
 *   loopback origins (the playground's Vite server) get CORS headers, including for preflight.
 *
 * Routes (JSON in and out):
 *   GET    /nodes                      → { clusterId, numShardsInCluster, nodes: FleetNodeInfo[] }
 *   POST   /nodes/:i/kill|stop|freeze|thaw|restart → { node: FleetNodeInfo }
 *   PUT    /nodes/:i/fault   (Fault)    → { node }   ({} clears every fault; see parse-fault.ts)
 *   DELETE /nodes/:i/fault              → { node }
 *   GET    /nodes/:i/stats              → { index, stats: NodeStats }
 * Errors: { error: string } with 400 (bad body), 401 (token), 403 (origin), 404 (route or node),
 * 405 (method), 409 (node not in a state for this), 413 (body over 16 KiB), 421 (Host),
 * 429 (the node already has operations queued; Retry-After), 500, 504.
 * A lifecycle request whose client hangs up before its operation started is dropped.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseFault } from "./parse-fault.js";
import { FleetError } from "./supervisor.js";
import type { Fleet } from "./types.js";

export interface ControlApiOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Fixed token (at least 16 characters); default 32 random bytes, hex. */
  token?: string;
}

export interface ControlApi {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly token: string;
  readonly port: number;
  /** The underlying server, e.g. to inspect `address()`. */
  readonly server: Server;
  close(): Promise<void>;
}

const HOST = "127.0.0.1";
const MAX_BODY_BYTES = 16 * 1024;
/** What a 429 (a node with too many operations queued) tells the client to wait. */
const RETRY_AFTER_S = 1;
const ACTIONS = ["kill", "stop", "freeze", "thaw", "restart"] as const;
type Action = (typeof ACTIONS)[number];

export async function startControlApi(fleet: Fleet, options: ControlApiOptions = {}): Promise<ControlApi> {
  const token = options.token ?? randomBytes(32).toString("hex");
  if (token.length < 16) throw new Error("control API: the token must be at least 16 characters");
  const expected = Buffer.from(token);
  let port = 0;

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) reply(response, 500, { error: message(error) });
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!hostAllowed(request.headers.host, port)) {
      return reply(response, 421, { error: "Host header must be 127.0.0.1:<port> or localhost:<port>" });
    }
    const origin = request.headers.origin;
    if (origin !== undefined) {
      if (!isLoopbackOrigin(origin)) return reply(response, 403, { error: `origin ${origin} is not allowed` });
      response.setHeader("Access-Control-Allow-Origin", origin);
      response.setHeader("Vary", "Origin");
    }
    if (request.method === "OPTIONS") {
      response.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
      response.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type");
      response.setHeader("Access-Control-Max-Age", "600");
      response.writeHead(204).end();
      return;
    }
    const url = new URL(request.url ?? "/", `http://${HOST}`);
    if (!authorized(request.headers.authorization, url.searchParams.get("token"), expected)) {
      response.setHeader("WWW-Authenticate", "Bearer");
      return reply(response, 401, { error: "missing or wrong token" });
    }
    await route(request, response, url.pathname);
  }

  async function route(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const method = request.method ?? "GET";
    const parts = path.split("/").filter(Boolean);
    if (parts[0] !== "nodes" || parts.length > 3) return reply(response, 404, { error: `no route ${path}` });

    if (parts.length === 1) {
      if (method !== "GET") return notAllowed(response, "GET");
      return reply(response, 200, {
        clusterId: fleet.clusterId,
        numShardsInCluster: fleet.numShardsInCluster,
        nodes: fleet.nodes,
      });
    }

    const index = parseIndex(parts[1], fleet.nodes.length);
    if (index === undefined) return reply(response, 404, { error: `no fleet node ${parts[1] ?? ""}` });
    const action = parts[2];
    const nodeReply = () => reply(response, 200, { node: fleet.nodes[index] });

    try {
      if (action === undefined) {
        if (method !== "GET") return notAllowed(response, "GET");
        return nodeReply();
      }
      if (isAction(action)) {
        if (method !== "POST") return notAllowed(response, "POST");
        await fleet[action](index, { signal: clientGone(response) });
        return nodeReply();
      }
      if (action === "fault") {
        if (method === "PUT") {
          const body = await readJson(request);
          if (!body.ok) return reply(response, body.status, { error: body.error });
          const fault = parseFault(body.value);
          if (typeof fault === "string") return reply(response, 400, { error: fault });
          await fleet.setFault(index, fault);
          return nodeReply();
        }
        if (method === "DELETE") {
          await fleet.setFault(index, {});
          return nodeReply();
        }
        return notAllowed(response, "PUT, DELETE");
      }
      if (action === "stats") {
        if (method !== "GET") return notAllowed(response, "GET");
        return reply(response, 200, { index, stats: await fleet.stats(index) });
      }
      return reply(response, 404, { error: `no route ${path}` });
    } catch (error) {
      if (error instanceof FleetError && error.code === "BUSY") response.setHeader("Retry-After", String(RETRY_AFTER_S));
      return reply(response, statusOf(error), { error: message(error) });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: HOST, port: options.port ?? 0 }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${HOST}:${port}`,
    token,
    port,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/**
 * Aborted when the client hangs up before its reply was sent: a queued operation it asked
 * for is then dropped instead of running for nobody.
 */
function clientGone(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  response.once("close", () => {
    if (!response.writableFinished) controller.abort(new Error("the HTTP client went away"));
  });
  return controller.signal;
}

function isAction(value: string): value is Action {
  return (ACTIONS as readonly string[]).includes(value);
}

function parseIndex(text: string | undefined, count: number): number | undefined {
  if (text === undefined || !/^(0|[1-9]\d{0,5})$/.test(text)) return undefined;
  const index = Number(text);
  return index < count ? index : undefined;
}

function hostAllowed(host: string | undefined, port: number): boolean {
  return host === `${HOST}:${port}` || host === `localhost:${port}`;
}

function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === "http:" || url.protocol === "https:") && (url.hostname === HOST || url.hostname === "localhost");
  } catch {
    return false;
  }
}

function authorized(header: string | undefined, queryToken: string | null, expected: Buffer): boolean {
  const match = header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header);
  const given = match?.[1] ?? queryToken;
  if (given === undefined || given === null) return false;
  const buffer = Buffer.from(given);
  return buffer.length === expected.length && timingSafeEqual(buffer, expected);
}

type JsonBody = { ok: true; value: unknown } | { ok: false; status: 400 | 413; error: string };

async function readJson(request: IncomingMessage): Promise<JsonBody> {
  const declared = Number(request.headers["content-length"] ?? "0");
  if (declared > MAX_BODY_BYTES) {
    request.resume();
    return { ok: false, status: 413, error: `body over ${MAX_BODY_BYTES} bytes` };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      request.resume();
      return { ok: false, status: 413, error: `body over ${MAX_BODY_BYTES} bytes` };
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return { ok: false, status: 400, error: "a JSON body is required" };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, status: 400, error: "the body is not valid JSON" };
  }
}

function statusOf(error: unknown): number {
  if (!(error instanceof FleetError)) return 500;
  switch (error.code) {
    case "NO_SUCH_NODE":
      return 404;
    case "NOT_RUNNING":
    case "CLOSED":
      return 409;
    case "TIMEOUT":
      return 504;
    case "INVALID_OPTIONS":
      return 400;
    case "START_FAILED":
      return 500;
    case "BUSY":
      return 429;
    case "ABORTED":
      // Nobody reads it: the client is gone.
      return 409;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function notAllowed(response: ServerResponse, allow: string): void {
  response.setHeader("Allow", allow);
  reply(response, 405, { error: `method not allowed; use ${allow}` });
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
  });
  response.end(text);
}

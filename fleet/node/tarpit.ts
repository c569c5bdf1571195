/**
 * A TCP server on 127.0.0.1 that accepts every connection and never sends a byte: a dial to
 * it neither fails nor succeeds until the dialer's own timeout gives up. The `pxFlood` fault
 * hands out its address.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/** Connections held at once; beyond it the oldest is let go, so the tarpit stays bounded. */
const MAX_HELD_SOCKETS = 1024;

export class Tarpit {
  readonly #onConnection: () => void;
  readonly #held = new Set<Socket>();
  #server: Server | undefined;
  #listening: Promise<number> | undefined;

  /** `onConnection` runs for every accepted connection (for the node's counters). */
  constructor(onConnection: () => void) {
    this.#onConnection = onConnection;
  }

  /**
   * Listens (once) and resolves with the port.
   *
   * @example
   * const port = await tarpit.start(); // a dial to 127.0.0.1:port hangs
   */
  start(): Promise<number> {
    this.#listening ??= new Promise<number>((resolve, reject) => {
      const server = createServer((socket) => this.#hold(socket));
      this.#server = server;
      server.once("error", reject);
      server.listen({ host: "127.0.0.1", port: 0 }, () => {
        server.off("error", reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
    return this.#listening;
  }

  /** Lets every held connection go and stops listening; idempotent. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#held) socket.destroy();
    this.#held.clear();
    if (!server?.listening) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #hold(socket: Socket): void {
    this.#onConnection();
    socket.on("error", () => undefined);
    socket.once("close", () => this.#held.delete(socket));
    this.#held.add(socket);
    if (this.#held.size > MAX_HELD_SOCKETS) {
      const oldest = this.#held.values().next().value as Socket;
      this.#held.delete(oldest);
      oldest.destroy();
    }
  }
}

/**
 * Ports on 127.0.0.1 that nothing listens on: each was bound and released at once, so a
 * dial to it is refused (unless another program takes that very port later).
 *
 * @example
 * const [port] = await closedPorts(1); // net.connect(port) → ECONNREFUSED
 */
export async function closedPorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen({ host: "127.0.0.1", port: 0 }, () => resolve(server));
        }),
    ),
  );
  // Held together until all are known, so no port is handed out twice.
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}

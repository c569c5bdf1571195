/**
 * The `pxFlood` fault's records: what a hostile peer-exchange node answers with. See
 * PxFloodFault in ../types.ts for the mix.
 *
 * Each distinct record needs its own secp256k1 identity and signature (about 0.7 ms each on
 * a loaded 2-core machine, so about 2.5 s for the default 5 000 records). They are built once
 * per node, in slices that yield to the event loop so the node keeps serving meanwhile, and
 * building starts the moment the fault is set. The tarpit and the closed ports are chosen once
 * too, so every answer names the same addresses.
 */
import type { Logger } from "@libp2p/interface";
import { multiaddr } from "@multiformats/multiaddr";
import { secp256k1 } from "@noble/curves/secp256k1";
import type { PxFloodFault, ServedProtocol } from "../types.js";
import { encodeEnr, enrBytes } from "./enr.js";
import { pick, shuffled } from "./random.js";
import { describeError } from "./request-response.js";
import { closedPorts, Tarpit } from "./tarpit.js";

export const DEFAULT_PX_FLOOD_RECORDS = 5_000;
export const DEFAULT_PX_FLOOD_GARBAGE = 3;
/**
 * The SDK refuses a reply frame over 4 MiB; a record with its framing takes about 200 bytes,
 * so 20 000 still reach the client's decoder.
 */
export const MAX_PX_FLOOD_RECORDS = 20_000;

/** Shares of the flood proper (what is left after the genuine and the garbage records). */
const TARPIT_SHARE = 0.1;
const DUPLICATE_SHARE = 0.3;
/** Distinct closed ports the closed-port records are spread over. */
const CLOSED_PORT_COUNT = 16;
/** Identities built between two yields to the event loop. */
const BUILD_SLICE = 64;
/** Flood records advertise every service, so a client takes each for a service peer. */
const ADVERTISED: readonly ServedProtocol[] = ["relay", "store", "filter", "lightPush"];

export interface FloodNetwork {
  clusterId: number;
  shards: readonly number[];
}

interface Addresses {
  tarpitPort: number;
  closedPorts: readonly number[];
}

export class PxFlood {
  readonly #network: FloodNetwork;
  readonly #tarpit: Tarpit;
  readonly #log: Logger;
  #addresses: Promise<Addresses> | undefined;
  /** Records on closed ports, then on the tarpit, grown on demand; index i uses identity i. */
  readonly #closedRecords: Uint8Array[] = [];
  readonly #tarpitRecords: Uint8Array[] = [];
  #building: Promise<void> = Promise.resolve();
  #stopped = false;

  /** `onTarpitConnection` runs for every TCP connection the tarpit accepts. */
  constructor(network: FloodNetwork, onTarpitConnection: () => void, log: Logger) {
    this.#network = network;
    this.#tarpit = new Tarpit(onTarpitConnection);
    this.#log = log;
  }

  /**
   * Starts building the records `fault` needs, in the background; failures are logged (the
   * next answer tries again).
   *
   * @example
   * flood.prepare({ records: 5_000 });
   */
  prepare(fault: PxFloodFault): void {
    this.#ensure(fault).catch((err: unknown) => this.#log("preparing the peer-exchange flood failed: %s", describeError(err)));
  }

  /**
   * The records of one answer, shuffled: the genuine ones first in line for the budget, then
   * the garbage, then the flood.
   *
   * @example
   * const enrs = await flood.answer({}, genuineEnrs); // 5 000 entries
   */
  async answer(fault: PxFloodFault, genuine: readonly Uint8Array[]): Promise<Uint8Array[]> {
    const mix = plan(fault, genuine.length);
    await this.#ensure(fault);
    const flood = [...this.#closedRecords.slice(0, mix.closed), ...this.#tarpitRecords.slice(0, mix.tarpit)];
    const duplicates = Array.from({ length: mix.duplicates }, () => pick(flood.length > 0 ? flood : [...genuine]));
    const garbage = Array.from({ length: mix.garbage }, (_, index) => garbageRecord(index, this.#closedRecords[0]));
    return shuffled([...genuine.slice(0, mix.genuine), ...garbage, ...flood, ...duplicates]);
  }

  /** Stops the tarpit; idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#tarpit.stop();
  }

  async #ensure(fault: PxFloodFault): Promise<void> {
    // The largest answer any genuine count allows: all of the budget left after the garbage.
    const most = plan(fault, 0);
    const addresses = await this.#addressesOnce();
    // One build at a time; each extends what the previous one left.
    this.#building = this.#building
      .catch(() => undefined)
      .then(() => this.#grow(addresses, Math.max(most.closed, 1), most.tarpit));
    await this.#building;
  }

  #addressesOnce(): Promise<Addresses> {
    this.#addresses ??= (async () => ({
      tarpitPort: await this.#tarpit.start(),
      closedPorts: await closedPorts(CLOSED_PORT_COUNT),
    }))();
    return this.#addresses;
  }

  async #grow(addresses: Addresses, closed: number, tarpit: number): Promise<void> {
    while (!this.#stopped && (this.#closedRecords.length < closed || this.#tarpitRecords.length < tarpit)) {
      for (let built = 0; built < BUILD_SLICE; built++) {
        if (this.#closedRecords.length < closed) {
          const port = addresses.closedPorts[this.#closedRecords.length % addresses.closedPorts.length] as number;
          this.#closedRecords.push(this.#record(port));
        } else if (this.#tarpitRecords.length < tarpit) {
          this.#tarpitRecords.push(this.#record(addresses.tarpitPort));
        }
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** A validly signed record of a fresh identity at 127.0.0.1:port. */
  #record(port: number): Uint8Array {
    const raw = secp256k1.utils.randomPrivateKey();
    const enr = encodeEnr({
      privateKey: { raw, publicKey: { raw: secp256k1.getPublicKey(raw, true) } },
      listenAddress: multiaddr(`/ip4/127.0.0.1/tcp/${port}/ws`),
      clusterId: this.#network.clusterId,
      shards: this.#network.shards,
      protocols: ADVERTISED,
    });
    return enrBytes(enr);
  }
}

interface Mix {
  genuine: number;
  garbage: number;
  closed: number;
  tarpit: number;
  duplicates: number;
}

/** How many records of each kind an answer holds, given how many genuine records there are. */
function plan(fault: PxFloodFault, genuineAvailable: number): Mix {
  const records = fault.records ?? DEFAULT_PX_FLOOD_RECORDS;
  const garbage = Math.min(fault.garbage ?? DEFAULT_PX_FLOOD_GARBAGE, records);
  const genuine = Math.min(genuineAvailable, records - garbage);
  const flood = records - garbage - genuine;
  const tarpit = Math.round(flood * TARPIT_SHARE);
  const duplicates = Math.floor(flood * DUPLICATE_SHARE);
  return { genuine, garbage, closed: flood - tarpit - duplicates, tarpit, duplicates };
}

/**
 * Undecodable records, three kinds in turn: bytes that are no RLP at all, a record whose
 * signature no longer matches (its last byte changed), and a record cut in half.
 */
function garbageRecord(index: number, valid: Uint8Array | undefined): Uint8Array {
  const sample = valid ?? new Uint8Array(64).fill(0xc1);
  switch (index % 3) {
    case 0:
      return new Uint8Array(64).fill(0xff);
    case 1: {
      const tampered = sample.slice();
      tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 0x01;
      return tampered;
    }
    default:
      return sample.slice(0, Math.floor(sample.length / 2));
  }
}

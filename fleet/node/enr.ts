/**
 * A signed Ethereum Node Record (EIP-778) describing this node the way nwaku's ENRs do,
 * so the SDK's peer exchange and @waku/enr decode it. @waku/enr 0.0.33 only decodes.
 *
 * Record: RLP [signature, seq, k1, v1, k2, v2, …] with keys sorted; the signature is
 * secp256k1 over keccak256(RLP [seq, k1, v1, …]) as 64 bytes r‖s ("v4" identity scheme).
 */
import type { Multiaddr } from "@multiformats/multiaddr";
import { secp256k1 } from "@noble/curves/secp256k1";
import { keccak_256 } from "@noble/hashes/sha3";
import { encodeRelayShard } from "@waku/utils";
import type { ServedProtocol } from "../types.js";
import { concatBytes } from "./bytes.js";
import { bigEndian, rlpEncode } from "./rlp.js";

export const ENR_PREFIX = "enr:";

/** Bits of the `waku2` field, as @waku/enr's waku2 codec reads them. */
const WAKU2_BITS = { relay: 1, store: 2, filter: 4, lightPush: 8 } as const;

/** @waku/utils switches from the shard index list (`rs`) to a bit vector (`rsv`) at 64 shards. */
const SHARD_BIT_VECTOR_FROM = 64;

/** A secp256k1 key as the record needs it (a libp2p Secp256k1PrivateKey is one). */
export interface EnrSigningKey {
  /** The 32-byte private scalar. */
  raw: Uint8Array;
  /** The 33-byte compressed public key. */
  publicKey: { raw: Uint8Array };
}

export interface EnrContent {
  privateKey: EnrSigningKey;
  /** Location address without /p2p, e.g. /ip4/127.0.0.1/tcp/60001/ws. */
  listenAddress: Multiaddr;
  clusterId: number;
  shards: readonly number[];
  protocols: readonly ServedProtocol[];
  seq?: bigint;
}

export function encodeEnr(content: EnrContent): string {
  const utf8 = new TextEncoder();
  const { host, port } = content.listenAddress.toOptions();
  const fields = new Map<string, Uint8Array>([
    ["id", utf8.encode("v4")],
    ["secp256k1", content.privateKey.publicKey.raw],
    // The ws listener is a TCP port; `ip`/`tcp` are the standard location fields and the
    // `/ws` address itself goes in `multiaddrs`, as nwaku does for websocket listeners.
    ["ip", ipv4Bytes(host)],
    ["tcp", uint16(port)],
    ["multiaddrs", encodeMultiaddrsField([content.listenAddress])],
    [
      content.shards.length >= SHARD_BIT_VECTOR_FROM ? "rsv" : "rs",
      encodeRelayShard({ clusterId: content.clusterId, shards: [...content.shards] }),
    ],
    ["waku2", Uint8Array.of(waku2Bits(content.protocols))],
  ]);
  const keyValues = [...fields.keys()].sort().flatMap((key) => [utf8.encode(key), fields.get(key) as Uint8Array]);
  const seq = bigEndian(content.seq ?? 1n);
  const signature = secp256k1.sign(keccak_256(rlpEncode([seq, ...keyValues])), content.privateKey.raw).toBytes("compact");
  const record = rlpEncode([signature, seq, ...keyValues]);
  return ENR_PREFIX + Buffer.from(record).toString("base64url");
}

/** The RLP bytes of a text ENR, the form peer exchange carries. */
export function enrBytes(enr: string): Uint8Array {
  if (!enr.startsWith(ENR_PREFIX)) throw new Error(`not an ENR: ${enr.slice(0, 12)}…`);
  return new Uint8Array(Buffer.from(enr.slice(ENR_PREFIX.length), "base64url"));
}

function waku2Bits(protocols: readonly ServedProtocol[]): number {
  let bits = 0;
  if (protocols.includes("relay")) bits |= WAKU2_BITS.relay;
  if (protocols.includes("store")) bits |= WAKU2_BITS.store;
  if (protocols.includes("filter")) bits |= WAKU2_BITS.filter;
  if (protocols.includes("lightPush")) bits |= WAKU2_BITS.lightPush;
  return bits;
}

/** Waku's `multiaddrs` field: each address as a 2-byte big-endian length then its bytes. */
function encodeMultiaddrsField(addresses: readonly Multiaddr[]): Uint8Array {
  return concatBytes(addresses.flatMap((address) => [uint16(address.bytes.length), address.bytes]));
}

function ipv4Bytes(host: string): Uint8Array {
  const octets = host.split(".").map(Number);
  if (octets.length !== 4 || octets.some((octet) => !Number.isInteger(octet) || octet < 0 || octet > 255)) {
    throw new Error(`fleet nodes listen on IPv4 loopback, got ${host}`);
  }
  return Uint8Array.from(octets);
}

/** Ports are read back as 2-byte big-endian values by the multiaddr codec @waku/enr uses. */
function uint16(value: number): Uint8Array {
  const bytes = new Uint8Array(2);
  new DataView(bytes.buffer).setUint16(0, value);
  return bytes;
}

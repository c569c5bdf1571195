/**
 * Node keys for the fleet. secp256k1 because peer exchange hands out ENRs, and ENRs carry a
 * secp256k1 public key (peer ids `16Uiu2…`). The supervisor keeps each key so a restarted node
 * comes back with the same peer id.
 */
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from "@libp2p/crypto/keys";

export interface NodeKey {
  /** Protobuf-encoded private key, hex — the form `NodeConfig.privateKeyHex` carries. */
  privateKeyHex: string;
  /** The libp2p peer id this key yields. */
  peerId: string;
}

export async function generateNodeKey(): Promise<NodeKey> {
  const key = await generateKeyPair("secp256k1");
  return {
    privateKeyHex: Buffer.from(privateKeyToProtobuf(key)).toString("hex"),
    peerId: key.publicKey.toString(),
  };
}

export function peerIdOfKey(privateKeyHex: string): string {
  return privateKeyFromProtobuf(Buffer.from(privateKeyHex, "hex")).publicKey.toString();
}

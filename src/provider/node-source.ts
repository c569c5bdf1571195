import type { CreateNodeOptions, LightNode } from "@waku/sdk";

import { structurallyEqual } from "./structural.js";

/** Where the provider's node comes from. */
export type NodeSource =
  /** The provider creates, starts and finally stops a light node with these options. */
  | { readonly kind: "options"; readonly options: CreateNodeOptions }
  /** The app created the node and keeps ownership: it is never stopped by us. */
  | { readonly kind: "node"; readonly node: LightNode }
  /** Nothing yet (an app-managed node that is not ready, or @waku/react still loading). */
  | { readonly kind: "none" };

const NO_NODE: NodeSource = Object.freeze({ kind: "none" });

/** An app-managed node wins over options: it is the more explicit of the two. */
export function toNodeSource(node: LightNode | undefined, options: CreateNodeOptions | undefined): NodeSource {
  if (node !== undefined) return { kind: "node", node };
  if (options !== undefined) return { kind: "options", options };
  return NO_NODE;
}

/** Same node, or options that configure the same node. */
export function isSameNodeSource(a: NodeSource, b: NodeSource): boolean {
  if (a.kind === "node" && b.kind === "node") return a.node === b.node;
  if (a.kind === "options" && b.kind === "options") return structurallyEqual(a.options, b.options);
  return a.kind === "none" && b.kind === "none";
}

/**
 * True when two option trees differ only by the identity of functions, the usual cause being
 * `libp2p: { peerDiscovery: [bootstrap({ ... })] }` written inline: each render makes a new
 * factory, so the node would be recreated on every render of the parent.
 */
export function differsOnlyByFunctionIdentity(a: NodeSource, b: NodeSource): boolean {
  return (
    a.kind === "options" && b.kind === "options" && structurallyEqual(a.options, b.options, { ignoreFunctionIdentity: true })
  );
}

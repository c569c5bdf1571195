// "waku-peers/core/internal": the building blocks under the peer manager, for tools, tests and
// advanced apps. Pure and table-tested, but not covered by the same stability promise as
// "waku-peers/core": names and shapes here may change in a minor release.

export { selectConnectionStatus } from "./actions/get-connection-status.js";
export { selectPeerHealth } from "./actions/get-peer-health.js";
export { selectPeers } from "./actions/get-peers.js";
export { isCanaryTopic } from "./detection/filter-canary.js";
export { MANAGER_OPTION_KEYS, parseOptions, resolveRequirements } from "./options/parse-options.js";
export type { ParsedOptions } from "./options/parse-options.js";
export { CODEC_TO_PROTOCOL, WAKU_CODECS, protocolNamesFromCodecs } from "./peers/codecs.js";
export { isMeaningfulRttChange } from "./peers/peer-table.js";
export { orderDialCandidates, planBootstrapLimit, shuffle } from "./policy/peer-policy.js";
export type { BootstrapPlan, OrderOptions, ServicePeer } from "./policy/peer-policy.js";
export type { DialCandidate } from "./discovery/candidate-index.js";
export { backoffDelay } from "./recovery/backoff.js";
export type { BackoffPolicy } from "./recovery/backoff.js";
export { INITIAL_RECOVERY, transition } from "./recovery/machine.js";
export type {
  RecoveryEffect,
  RecoveryFacts,
  RecoveryInput,
  RecoveryMachineState,
  RecoveryPhase,
  RecoveryTransition,
} from "./recovery/machine.js";
export { computeHealth, NO_PEERS } from "./state/health.js";
export type { PeerCounts } from "./state/health.js";
export { deriveStatus } from "./state/status.js";
export type { StatusInput } from "./state/status.js";
export { createInitialState } from "./state/store.js";

// The message layer's pure parts: ordering, send readiness, store windows, store peer ranking.
export { canSendFrom, lossSignals, MAX_STORE_WINDOW_MS, mergeMessages, rankStorePeers, storeWindows } from "../messages/index.js";
export { afterRedial, missingProtocols, peersShort, redundancyTarget } from "./recovery/redundancy.js";
export type { RedialSchedule } from "./recovery/redundancy.js";
export { addRoundTrip, pingTimeout } from "./detection/ping-timeout.js";
export type { PingTimeoutPolicy } from "./detection/ping-timeout.js";
export { pingRound } from "./detection/ping-round.js";
export type { PingResult, PingRoundRun, RoundOutcome, RoundPing } from "./detection/ping-round.js";

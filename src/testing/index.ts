"use client";
// "waku-peers/testing": component tests without a network. A mock peer manager with a real store
// (the hooks read it as they read the real one), a provider that feeds the real hooks from it,
// scenarios on the mock's clock for fake timers, and a mock node for the message hooks. For tests
// against a real local Waku network, see waku-peers-fleet (and its `waku-peers-fleet/vitest`).

export { createMockPeerManager } from "./create-mock-peer-manager.js";
export type { MockCalls, MockPeerManager, MockPeerManagerOptions, MockReconnectScript } from "./create-mock-peer-manager.js";
export type { MockHealthCounts, MockPeerInput } from "./mock-state.js";
export { MockWakuPeersProvider } from "./mock-waku-peers-provider.js";
export type { MockWakuPeersProviderProps } from "./mock-waku-peers-provider.js";
export { scenario } from "./scenario.js";
export type { Scenario, ScenarioAction, ScenarioStep } from "./scenario.js";
export { createMockWakuNode } from "./create-mock-waku-node.js";
export type { MockDeliverOptions, MockSendAttempt, MockSendResult, MockWakuNode } from "./create-mock-waku-node.js";

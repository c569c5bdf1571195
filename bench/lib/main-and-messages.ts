// An app that uses the main entry and the messages entry: bundled by the bundle-messages row to
// measure what `waku-peers/messages` adds on top of `waku-peers`.
export * from "../../src/index.js";
export * from "../../src/message-hooks/index.js";

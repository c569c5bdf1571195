import { FilterCodecs, LightPushCodec, LightPushCodecV2, StoreCodec } from "@waku/core";
import { Tags } from "@waku/interfaces";
import { describe, expect, it } from "vitest";

import { protocolNamesFromCodecs, tagMaskFromPeerTags, tagNamesFromMask, WAKU_CODECS } from "../../../src/core/peers/codecs.js";

describe("protocol codecs", () => {
  it("match the codecs exported by the SDK", () => {
    expect(WAKU_CODECS.lightPush).toBe(LightPushCodec);
    expect(WAKU_CODECS.lightPushV2).toBe(LightPushCodecV2);
    expect(WAKU_CODECS.filterSubscribe).toBe(FilterCodecs.SUBSCRIBE);
    expect(WAKU_CODECS.store).toBe(StoreCodec);
    expect(WAKU_CODECS.peerExchange).toBe("/vac/waku/peer-exchange/2.0.0-alpha1");
  });

  it("name light push v3 and v2 alike, ignore non-Waku codecs and the filter push codec", () => {
    expect(protocolNamesFromCodecs([LightPushCodecV2, "/ipfs/id/1.0.0"])).toEqual(["lightPush"]);
    expect(protocolNamesFromCodecs([FilterCodecs.PUSH])).toEqual([]);
    expect(protocolNamesFromCodecs([StoreCodec, LightPushCodec, FilterCodecs.SUBSCRIBE])).toEqual([
      "lightPush",
      "filter",
      "store",
    ]);
  });

  it("give the same array for the same set of protocols", () => {
    expect(protocolNamesFromCodecs([StoreCodec, LightPushCodec])).toBe(protocolNamesFromCodecs([LightPushCodec, StoreCodec]));
  });

  it("read the SDK's discovery tags", () => {
    const tags = new Map([
      [Tags.BOOTSTRAP, { value: 50 }],
      [Tags.PEER_CACHE, { value: 50 }],
      ["keep-alive", { value: 1 }],
    ]);
    expect(tagNamesFromMask(tagMaskFromPeerTags(tags))).toEqual(["bootstrap", "peer-cache"]);
    expect(tagNamesFromMask(tagMaskFromPeerTags(new Map([[Tags.PEER_EXCHANGE, {}]])))).toEqual(["peer-exchange"]);
  });
});

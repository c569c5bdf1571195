/**
 * Light push, v3 (`/vac/waku/lightpush/3.0.0`, status codes) and the legacy v2
 * (`/vac/waku/lightpush/2.0.0-beta1`, isSuccess + info). Both versions share one
 * decision: validate the message, pick its pubsub topic (autosharding when the client
 * left it out), then hand it to the router, which stores it, pushes it to local filter
 * subscribers and relays it to the other fleet nodes.
 */
import { LightPushStatusCode } from "@waku/interfaces";
import { proto_lightpush, proto_message } from "@waku/proto";
import type { NodeCounters } from "./counters.js";
import type { FaultState } from "./faults.js";
import type { MessageRouter } from "./message-router.js";
import { decodeRequest, describeError, type RequestResponseServer, UNKNOWN_REQUEST_ID } from "./request-response.js";
import type { ShardRouting } from "./shard-routing.js";
import type { WakuMessage } from "./waku-message.js";

export const LIGHT_PUSH_V3_CODEC = "/vac/waku/lightpush/3.0.0";
export const LIGHT_PUSH_V2_CODEC = "/vac/waku/lightpush/2.0.0-beta1";

/** nwaku's default `--max-msg-size`. */
export const MAX_MESSAGE_BYTES = 150 * 1024;

type Outcome = { accepted: true; relayPeerCount: number } | { accepted: false; statusCode: number; statusDesc: string };

function rejected(statusCode: number, statusDesc: string): Outcome {
  return { accepted: false, statusCode, statusDesc };
}

/** The decision both protocol versions share. */
export class LightPushIntake {
  readonly #routing: ShardRouting;
  readonly #router: MessageRouter;
  readonly #faults: FaultState;
  readonly #counters: NodeCounters;

  constructor(routing: ShardRouting, router: MessageRouter, faults: FaultState, counters: NodeCounters) {
    this.#routing = routing;
    this.#router = router;
    this.#faults = faults;
    this.#counters = counters;
  }

  async accept(pubsubTopic: string | undefined, message: WakuMessage | undefined): Promise<Outcome> {
    this.#counters.lightPushReceived++;
    const outcome = await this.#decide(pubsubTopic, message);
    if (!outcome.accepted) this.#counters.lightPushRejected++;
    return outcome;
  }

  async #decide(pubsubTopic: string | undefined, message: WakuMessage | undefined): Promise<Outcome> {
    const injected = this.#faults.current.lightPushStatus;
    if (injected !== undefined) return rejected(injected, "fault injected: light push rejected");
    if (!message) return rejected(LightPushStatusCode.BAD_REQUEST, "BAD_REQUEST: message is missing");
    if (proto_message.WakuMessage.encode(message).length > MAX_MESSAGE_BYTES) {
      return rejected(LightPushStatusCode.PAYLOAD_TOO_LARGE, `message exceeds ${MAX_MESSAGE_BYTES} bytes`);
    }
    let topic = pubsubTopic;
    if (!topic) {
      try {
        topic = this.#routing.pubsubTopicFor(message.contentTopic);
      } catch (err) {
        return rejected(LightPushStatusCode.BAD_REQUEST, `BAD_REQUEST: cannot autoshard: ${describeError(err)}`);
      }
    }
    if (!this.#routing.serves(topic)) {
      return rejected(LightPushStatusCode.UNSUPPORTED_TOPIC, `pubsub topic ${topic} is not served by this node`);
    }
    try {
      const relayPeerCount = await this.#router.fromClient(topic, message);
      return { accepted: true, relayPeerCount };
    } catch (err) {
      return rejected(LightPushStatusCode.INTERNAL_ERROR, `relaying failed: ${describeError(err)}`);
    }
  }
}

export function lightPushV3Server(intake: LightPushIntake): RequestResponseServer {
  return {
    codec: LIGHT_PUSH_V3_CODEC,
    async handle(requestBytes) {
      const request = decodeRequest("light push v3 request", proto_lightpush.LightPushRequestV3.decode, requestBytes);
      const outcome = await intake.accept(request.pubsubTopic, request.message);
      return proto_lightpush.LightPushResponseV3.encode(
        outcome.accepted
          ? { requestId: request.requestId, statusCode: LightPushStatusCode.SUCCESS, relayPeerCount: outcome.relayPeerCount }
          : { requestId: request.requestId, statusCode: outcome.statusCode, statusDesc: outcome.statusDesc },
      );
    },
    errorReply(problem) {
      const tooLarge = problem.kind === "too-large";
      return proto_lightpush.LightPushResponseV3.encode({
        requestId: UNKNOWN_REQUEST_ID,
        statusCode: tooLarge ? LightPushStatusCode.PAYLOAD_TOO_LARGE : LightPushStatusCode.BAD_REQUEST,
        statusDesc: `${tooLarge ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST"}: ${problem.detail}`,
      });
    },
  };
}

export function lightPushV2Server(intake: LightPushIntake): RequestResponseServer {
  return {
    codec: LIGHT_PUSH_V2_CODEC,
    async handle(requestBytes) {
      const rpc = decodeRequest("light push v2 request", proto_lightpush.PushRpc.decode, requestBytes);
      const outcome = await intake.accept(rpc.request?.pubsubTopic, rpc.request?.message);
      return proto_lightpush.PushRpc.encode({
        requestId: rpc.requestId,
        response: outcome.accepted ? { isSuccess: true } : { isSuccess: false, info: outcome.statusDesc },
      });
    },
    errorReply(problem) {
      return proto_lightpush.PushRpc.encode({
        requestId: UNKNOWN_REQUEST_ID,
        response: { isSuccess: false, info: problem.detail },
      });
    },
  };
}

/**
 * Which pubsub topics this node serves, and which pubsub topic a content topic belongs to
 * under autosharding (RFC 51, the same computation the SDK does for its encoders).
 */
import { contentTopicToPubsubTopic, formatPubsubTopic } from "@waku/utils";

export class ShardRouting {
  readonly clusterId: number;
  readonly numShardsInCluster: number;
  readonly shards: readonly number[];
  /** `/waku/2/rs/<cluster>/<shard>` for every served shard. */
  readonly pubsubTopics: readonly string[];
  readonly #served: ReadonlySet<string>;

  constructor(clusterId: number, numShardsInCluster: number, shards: readonly number[]) {
    this.clusterId = clusterId;
    this.numShardsInCluster = numShardsInCluster;
    this.shards = [...new Set(shards)].sort((a, b) => a - b);
    this.pubsubTopics = this.shards.map((shard) => formatPubsubTopic(clusterId, shard));
    this.#served = new Set(this.pubsubTopics);
  }

  serves(pubsubTopic: string): boolean {
    return this.#served.has(pubsubTopic);
  }

  /** Throws when the content topic is not a valid autosharding content topic. */
  pubsubTopicFor(contentTopic: string): string {
    return contentTopicToPubsubTopic(contentTopic, this.clusterId, this.numShardsInCluster);
  }
}

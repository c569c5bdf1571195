/**
 * Event counters behind `NodeStats`. Protocol servers bump them; the live figures
 * (connected peers, subscriptions, stored messages) are read from their owners when
 * stats are requested.
 */
export class NodeCounters {
  /** Every light push request (v2 and v3), accepted or not. */
  lightPushReceived = 0;
  /** Light push requests answered with a failure (bad request, unserved shard, injected fault). */
  lightPushRejected = 0;
  /** MessagePush frames written to filter subscribers. */
  filterPushes = 0;
  storeQueries = 0;
  /** Messages delivered by gossipsub from other fleet nodes. */
  relayReceived = 0;
  peerExchangeQueries = 0;
  peerExchangeRecordsSent = 0;
  tarpitConnections = 0;
  connectionsDropped = 0;
  streamsRefused = 0;
  idleStreamsReset = 0;
  malformedRequests = 0;
}

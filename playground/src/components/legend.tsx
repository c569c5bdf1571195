import { DEFAULT_OPTIONS } from "../../../src/core/index.js";

/** What the numbers and colours on this page mean, in one short list. */
export function Legend() {
  return (
    <ul className="legend" data-testid="legend">
      <li>
        <strong>2 / 2</strong> — connected / required peers for a protocol; peer exchange is counted, not required.
      </li>
      <li>
        <strong>score</strong> — 0–100 per peer, starts at 100; failures lower it, below{" "}
        {DEFAULT_OPTIONS.peerPolicy.replaceBelowScore} the peer is replaced.
      </li>
      <li>
        <strong>grey peer</strong> — seen recently, not connected now.
      </li>
    </ul>
  );
}

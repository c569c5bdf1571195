import { usePeerHealth } from "../../../src/index.js";
import { useHealthHistory, type HealthSample } from "./use-health-history.js";
import { useWidth } from "./use-width.js";

const WINDOW_MS = 60_000;
/** Height of one protocol's band, of the time axis, and the label column's width (px). */
const BAND = 48;
const AXIS = 22;
const LEFT = 100;
const RIGHT = 10;
const TICKS_S = [60, 45, 30, 15, 0];
type Series = keyof Omit<HealthSample, "at">;
const SERIES: { key: Series; label: string; colour: string }[] = [
  { key: "lightPush", label: "light push", colour: "#2563eb" },
  { key: "filter", label: "filter", colour: "#16a34a" },
  { key: "store", label: "store", colour: "#c2410c" },
];

/**
 * Connected peers per protocol over the last minute, one band per protocol (small multiples, so
 * equal counts never hide each other), each with its own count scale and its requirement dashed,
 * over one time axis. Drawn at the width it is shown at: no letterboxing.
 */
export function CountsTimeline() {
  const samples = useHealthHistory(WINDOW_MS);
  const health = usePeerHealth();
  const [ref, width] = useWidth<HTMLElement>();
  const now = samples.at(-1)?.at ?? 0;
  const plot = Math.max(40, width - LEFT - RIGHT);
  const x = (at: number) => LEFT + plot * (1 - Math.min(1, (now - at) / WINDOW_MS));
  return (
    <figure ref={ref} className="timeline" data-testid="timeline" data-samples={samples.length}>
      {width > 0 && (
        <svg
          width={width}
          height={SERIES.length * BAND + AXIS}
          role="img"
          aria-label="connected peers per protocol over the last minute"
        >
          {SERIES.map((series, index) => (
            <Band
              key={series.key}
              top={index * BAND}
              series={series}
              samples={samples}
              required={health[series.key].required}
              connected={health[series.key].connected}
              x={x}
              right={LEFT + plot}
            />
          ))}
          <g className="axis" transform={`translate(0 ${SERIES.length * BAND + 14})`}>
            {TICKS_S.map((seconds, index) => (
              <text
                key={seconds}
                x={LEFT + plot * (1 - seconds / 60)}
                textAnchor={index === 0 ? "start" : index === TICKS_S.length - 1 ? "end" : "middle"}
              >
                {seconds === 0 ? "now" : `−${seconds} s`}
              </text>
            ))}
          </g>
        </svg>
      )}
      <figcaption>Connected peers per protocol, last 60 s · dashed line: required</figcaption>
    </figure>
  );
}

interface BandProps {
  top: number;
  series: (typeof SERIES)[number];
  samples: HealthSample[];
  required: number;
  connected: number;
  x: (at: number) => number;
  /** Right edge of the plot. */
  right: number;
}

function Band({ top, series, samples, required, connected, x, right }: BandProps) {
  const max = Math.max(1, required, ...samples.map((sample) => sample[series.key]));
  const y = (count: number) => top + 6 + (BAND - 16) * (1 - count / max);
  return (
    <g data-series={series.key}>
      <rect x={LEFT} y={top + 4} width={Math.max(0, right - LEFT)} height={BAND - 12} className="band" />
      <text x={0} y={top + 18} fill={series.colour} className="series-label">
        {series.label}
      </text>
      <text x={0} y={top + 34} className="series-count">
        {connected} / {required}
      </text>
      {[0, max].map((tick) => (
        <text key={tick} x={LEFT - 6} y={y(tick) + 4} textAnchor="end" className="tick">
          {tick}
        </text>
      ))}
      {required > 0 && <line x1={LEFT} x2={right} y1={y(required)} y2={y(required)} className="required" />}
      <polyline
        fill="none"
        stroke={series.colour}
        strokeWidth={2}
        points={stepPoints(samples, (sample) => [x(sample.at), y(sample[series.key])])}
      />
    </g>
  );
}

function stepPoints(samples: HealthSample[], point: (sample: HealthSample) => [number, number]): string {
  const points: string[] = [];
  let previousY: number | undefined;
  for (const sample of samples) {
    const [px, py] = point(sample);
    if (previousY !== undefined) points.push(`${px.toFixed(1)},${previousY.toFixed(1)}`);
    points.push(`${px.toFixed(1)},${py.toFixed(1)}`);
    previousY = py;
  }
  return points.join(" ");
}

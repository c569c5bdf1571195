import { useHealthHistory, type HealthSample } from "./use-health-history.js";

const WINDOW_MS = 60_000;
const WIDTH = 360;
const HEIGHT = 120;
const SERIES: { key: keyof Omit<HealthSample, "at">; label: string; colour: string }[] = [
  { key: "lightPush", label: "light push", colour: "#2563eb" },
  { key: "filter", label: "filter", colour: "#16a34a" },
  { key: "store", label: "store", colour: "#d97706" },
];

/** Step chart of the last minute of per-protocol peer counts. */
export function CountsTimeline() {
  const samples = useHealthHistory(WINDOW_MS);
  const now = samples[samples.length - 1]?.at ?? 0;
  const maxCount = Math.max(3, ...samples.flatMap((sample) => SERIES.map((series) => sample[series.key])));
  const x = (at: number) => WIDTH - ((now - at) / WINDOW_MS) * WIDTH;
  const y = (count: number) => HEIGHT - 4 - (count / maxCount) * (HEIGHT - 12);

  return (
    <figure className="timeline" data-testid="timeline" data-samples={samples.length}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="peer counts over the last minute">
        {SERIES.map((series, offset) => (
          <polyline
            key={series.key}
            fill="none"
            stroke={series.colour}
            strokeWidth={2}
            points={stepPoints(samples, (sample) => [x(sample.at), y(sample[series.key]) - offset * 1.5])}
          />
        ))}
      </svg>
      <figcaption>
        {SERIES.map((series) => (
          <span key={series.key} style={{ color: series.colour }}>
            ■ {series.label}{" "}
          </span>
        ))}
        · last 60 s
      </figcaption>
    </figure>
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

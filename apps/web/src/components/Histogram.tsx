import { type PointerEvent, useRef, useState } from 'react';
import { formatTime, useTimeZone } from './format';

interface Props {
  histogram: { width: number; buckets: { start: string; success: number; failure: number }[] };
  /** Counts are estimates from a sample. */
  approximate: boolean;
  /** Counts shown are the previous view's while the new ones load. */
  stale: boolean;
  /** A range dragged across the bars: [from, to) as ISO instants. */
  onRange(from: string, to: string): void;
}

const BAR = 10;
const HEIGHT = 60;

/**
 * The view's events over time, failures stacked on successes, one bar per bucket (its
 * width chosen by the server from the range). Dragging across bars sets the range to them.
 */
export function Histogram({ histogram, approximate, stale, onRange }: Props) {
  useTimeZone(); // redraw the times when the zone is switched
  const svg = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<{ from: number; to: number }>();
  const { buckets, width } = histogram;
  const max = Math.max(1, ...buckets.map((b) => b.success + b.failure));
  const first = buckets[0];
  const last = buckets.at(-1);
  if (!first || !last) return null;
  const end = new Date(Date.parse(last.start) + width).toISOString();

  const bucketAt = (e: PointerEvent) => {
    const box = svg.current?.getBoundingClientRect();
    if (!box) return 0;
    const i = Math.floor(((e.clientX - box.left) / box.width) * buckets.length);
    return Math.min(buckets.length - 1, Math.max(0, i));
  };
  const finish = () => {
    if (!drag) return;
    const lo = Math.min(drag.from, drag.to);
    const hi = Math.max(drag.from, drag.to);
    setDrag(undefined);
    const from = buckets[lo]?.start;
    const to = buckets[hi] && new Date(Date.parse(buckets[hi].start) + width).toISOString();
    if (from && to) onRange(from, to);
  };

  const peak = buckets.reduce((a, b) => (b.success + b.failure > a.success + a.failure ? b : a));
  return (
    <figure className={stale ? 'histogram stale' : 'histogram'}>
      <svg
        ref={svg}
        viewBox={`0 0 ${buckets.length * BAR} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Events over time, ${buckets.length} bars of ${duration(width)}; the most in one bar: ${(peak.success + peak.failure).toLocaleString()} from ${formatTime(peak.start)}. Drag across bars to narrow the range.`}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          const i = bucketAt(e);
          setDrag({ from: i, to: i });
        }}
        onPointerMove={(e) => drag && setDrag({ ...drag, to: bucketAt(e) })}
        onPointerUp={finish}
      >
        {buckets.map((b, i) => {
          const ok = (b.success / max) * HEIGHT;
          const failed = (b.failure / max) * HEIGHT;
          return (
            <g key={b.start}>
              <title>
                {`${formatTime(b.start)}: ${b.success.toLocaleString()} succeeded, ${b.failure.toLocaleString()} failed${approximate ? ' (estimated)' : ''}`}
              </title>
              <rect className="ok" x={i * BAR + 1} width={BAR - 2} y={HEIGHT - ok} height={ok} />
              <rect
                className="failed"
                x={i * BAR + 1}
                width={BAR - 2}
                y={HEIGHT - ok - failed}
                height={failed}
              />
            </g>
          );
        })}
        {drag && (
          <rect
            className="selection"
            x={Math.min(drag.from, drag.to) * BAR}
            width={(Math.abs(drag.to - drag.from) + 1) * BAR}
            y={0}
            height={HEIGHT}
          />
        )}
      </svg>
      <figcaption>
        <span>{formatTime(first.start)}</span>
        <span className="muted">
          {duration(width)} a bar · up to {max.toLocaleString()}
          {approximate ? ' (estimated)' : ''} · <span className="key-failed">■</span> failed
        </span>
        <span>{formatTime(end)}</span>
      </figcaption>
    </figure>
  );
}

function duration(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 1440) return `${minutes / 60} h`;
  return `${minutes / 1440} d`;
}

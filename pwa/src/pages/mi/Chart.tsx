// Charts with Chart.js (tree-shaken: only the controllers used here). Every chart is an
// image with a text alternative; its numbers are always in a table next to it
// (ChartFigure). Colours have at least 3:1 contrast against white and every series also
// has its own pattern (bars, slices) or point shape and dash (lines): not colour alone.
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PieController,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
} from 'chart.js';
import { useEffect, useRef } from 'react';

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PieController,
  PointElement,
  Tooltip,
);

/** Dark enough for 3:1 (and most for 4.5:1) against white. */
export const COLOURS = [
  '#004993',
  '#b35900',
  '#00703c',
  '#6f2c91',
  '#a4001d',
  '#00788a',
  '#545454',
  '#7a6100',
  '#1a1a1a',
  '#c2185b',
];
const POINTS = ['circle', 'rect', 'triangle', 'rectRot', 'crossRot', 'star', 'cross', 'rectRounded', 'line', 'dash'] as const;
const DASHES: number[][] = [[], [6, 4], [2, 3], [10, 3, 2, 3], [1, 5], [12, 6], [4, 2, 4, 6], [8, 2], [3, 6], [14, 4]];

/** A fill pattern: the colour with white stripes, dots or hatching (index 0: plain). */
function pattern(colour: string, index: number): CanvasPattern | string {
  const kind = index % 6;
  if (kind === 0) return colour;
  const size = 10;
  const c = document.createElement('canvas');
  c.width = size;
  c.height = size;
  const ctx = c.getContext('2d');
  if (!ctx) return colour;
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, size, size);
  ctx.strokeStyle = 'rgba(255,255,255,0.85)';
  ctx.fillStyle = 'rgba(255,255,255,0.85)';
  ctx.lineWidth = 2;
  ctx.beginPath();
  if (kind === 1) {
    ctx.moveTo(0, size);
    ctx.lineTo(size, 0);
  } else if (kind === 2) {
    ctx.arc(size / 2, size / 2, 1.8, 0, Math.PI * 2);
    ctx.fill();
  } else if (kind === 3) {
    ctx.moveTo(0, size / 2);
    ctx.lineTo(size, size / 2);
  } else if (kind === 4) {
    ctx.moveTo(size / 2, 0);
    ctx.lineTo(size / 2, size);
  } else {
    ctx.moveTo(0, 0);
    ctx.lineTo(size, size);
    ctx.moveTo(0, size);
    ctx.lineTo(size, 0);
  }
  ctx.stroke();
  return ctx.createPattern(c, 'repeat') ?? colour;
}

export type Series = { label: string; data: (number | null)[] };
export type ChartKind = 'bar' | 'line' | 'pie';

const number = new Intl.NumberFormat('da-DK', { maximumFractionDigits: 1 });

export function ChartCanvas({
  kind,
  labels,
  series,
  alt,
  horizontal = false,
  stacked = false,
  unit = '',
  max,
  integer = false,
}: {
  kind: ChartKind;
  labels: string[];
  series: Series[];
  /** the text alternative (what the chart shows, in words) */
  alt: string;
  horizontal?: boolean;
  stacked?: boolean;
  /** " %", " kr." after the numbers in ticks and tooltips */
  unit?: string;
  max?: number;
  /** whole numbers only on the value axis (counts) */
  integer?: boolean;
}) {
  const ref = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const fmt = (v: number | string) => `${typeof v === 'number' ? number.format(v) : v}${unit}`;
    let datasets: ChartDataset<ChartKind, (number | null)[]>[];
    if (kind === 'pie') {
      datasets = series.map((s) => ({
        label: s.label,
        data: s.data,
        backgroundColor: s.data.map((_, i) => pattern(COLOURS[i % COLOURS.length] as string, i)),
        borderColor: '#ffffff',
        borderWidth: 2,
      })) as ChartDataset<ChartKind, (number | null)[]>[];
    } else if (kind === 'line') {
      datasets = series.map((s, i) => ({
        label: s.label,
        data: s.data,
        borderColor: COLOURS[i % COLOURS.length],
        backgroundColor: COLOURS[i % COLOURS.length],
        borderDash: DASHES[i % DASHES.length],
        pointStyle: POINTS[i % POINTS.length],
        pointRadius: 4,
        borderWidth: 2,
        spanGaps: true,
      })) as ChartDataset<ChartKind, (number | null)[]>[];
    } else {
      datasets = series.map((s, i) => ({
        label: s.label,
        data: s.data,
        backgroundColor: pattern(COLOURS[i % COLOURS.length] as string, i),
        borderColor: COLOURS[i % COLOURS.length],
        borderWidth: 1,
      })) as ChartDataset<ChartKind, (number | null)[]>[];
    }
    const valueAxis = {
      beginAtZero: true,
      stacked,
      max,
      ticks: { callback: (v: number | string) => fmt(v), color: '#1a1a1a', precision: integer ? 0 : undefined },
      grid: { color: '#d0d0d0' },
    };
    const categoryAxis = { stacked, ticks: { color: '#1a1a1a', autoSkip: true }, grid: { display: false } };
    const config: ChartConfiguration<ChartKind, (number | null)[], string> = {
      type: kind,
      data: { labels, datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        locale: 'da-DK',
        indexAxis: horizontal ? 'y' : 'x',
        plugins: {
          legend: {
            display: kind === 'pie' || series.length > 1,
            position: kind === 'pie' ? 'right' : 'bottom',
            labels: { color: '#1a1a1a', usePointStyle: kind === 'line' },
          },
          tooltip: {
            callbacks: {
              label: (ctx) => {
                const v = ctx.raw as number | null;
                const name = kind === 'pie' ? ctx.label : ctx.dataset.label;
                return `${name}: ${v === null ? '–' : fmt(v)}`;
              },
            },
          },
        },
        scales:
          kind === 'pie'
            ? {}
            : horizontal
              ? { x: valueAxis, y: categoryAxis }
              : { x: categoryAxis, y: valueAxis },
      },
    };
    const chart = new Chart(canvas, config);
    return () => chart.destroy();
  }, [kind, labels, series, horizontal, stacked, unit, max, integer]);

  const bars = kind === 'bar' && horizontal ? labels.length * Math.max(1, stacked ? 1 : series.length) : 0;
  const height = kind === 'pie' ? 280 : horizontal ? Math.max(180, 60 + bars * 22) : 300;
  return (
    <div className="mi-chart" style={{ height }}>
      <canvas ref={ref} role="img" aria-label={alt}>
        <p>{alt}</p>
      </canvas>
    </div>
  );
}

import type { MemberWorkspace } from '../../src/accounts/members';
import { parseWeek, weekLabel } from '../../src/batches/weeks';
import { brierVerdict, type Insights } from '../../src/levers/insights';
import { BarChart, CalibrationChart, ChartFigure, LineChart } from '../components/charts';
import { Layout } from '../layout';
import { InsightsTabs } from '../levers/page';

// The insights page (issue 4, point 6): how well the team predicts and how fast it learns. Every chart is
// an SVG with its numbers in a table beside it; all of them fill in from closes.

/** Brier scores to three decimals: the differences that matter are small. */
export const fmtBrier = (b: number | null) => (b == null ? '—' : b.toFixed(3));
export const fmtPct = (rate: number | null) => (rate == null ? '—' : `${Math.round(rate * 100)}%`);

/** "W47" under a bar: the table names the week in full. */
const shortWeek = (week: string) => `W${parseWeek(week)?.week ?? '?'}`;

/** Gridlines for a count axis: 0, a few round steps, and the top. */
function countTicks(max: number): { max: number; ticks: number[] } {
  const top = Math.max(4, Math.ceil(max / 4) * 4);
  const step = top / 4;
  return { max: top, ticks: [0, step, 2 * step, 3 * step, top] };
}

export function InsightsPage(props: { ws: MemberWorkspace; insights: Insights }) {
  const { ws, insights: ins } = props;
  const base = `/w/${ws.slug}`;
  const weeks = ins.weeks;
  const labels = weeks.map((w) => shortWeek(w.week));
  const first = weeks[0]?.week ?? '';
  const last = weeks.at(-1)?.week ?? '';
  const span = `${weekLabel(first)} to ${weekLabel(last)}`;
  const inWindow = weeks.reduce((n, w) => n + w.closed, 0);
  const winsInWindow = weeks.reduce((n, w) => n + w.wins, 0);
  const brierValues = weeks
    .flatMap((w) => [w.brier, w.cumulativeBrier])
    .filter((v): v is number => v != null);
  const brierMax = Math.max(0, ...brierValues) > 0.5 ? 1 : 0.5;
  const velocity = countTicks(Math.max(0, ...weeks.map((w) => w.closed)));
  const latest = [...weeks].reverse().find((w) => w.cumulativeBrier != null);
  return (
    <Layout title="Insights" ws={ws} nav="insights">
      <div class="page-head">
        <h1>Insights</h1>
        <InsightsTabs ws={ws} current="insights" />
      </div>
      {ins.closed === 0 ? (
        <div class="empty card">
          <p>
            <strong>Nothing closed yet, so nothing to chart.</strong> Each time the team closes an experiment
            with its outcome, the Confidence it was given is compared with what happened: these charts show
            how well the team predicts (Brier score), whether a 7 really wins 70% of the time, and how many
            experiments close and win each week.
          </p>
          <p>
            <a href={`${base}/backlog?status=running`}>Running experiments</a> ·{' '}
            <a href={`${base}/levers`}>Levers</a>
          </p>
        </div>
      ) : (
        <>
          <p class="lede">
            {ins.closed} {ins.closed === 1 ? 'experiment' : 'experiments'} closed, {ins.wins} won. The team’s
            Brier score over all of them is <strong>{fmtBrier(ins.brier)}</strong>: {brierVerdict(ins.brier)}{' '}
            (0 is perfect; always saying 5 scores 0.25). Weeks are ISO weeks in {ws.timeZone}; the weekly
            charts cover the last {weeks.length}, {span}.
          </p>
          <div class="charts">
            <ChartFigure
              id="brier"
              heading="How well the team predicts (Brier score)"
              chart={
                <LineChart
                  id="brier-chart"
                  title="Brier score per week and cumulative"
                  desc={`Brier score of the stated Confidence against what happened, for each of the last ${weeks.length} weeks and over all closes so far; lower is better, and 0.25 is what always saying 5 scores. ${latest ? `Latest cumulative: ${fmtBrier(latest.cumulativeBrier)}.` : ''}`}
                  labels={labels}
                  series={[
                    { name: 'Each week’s closes', values: weeks.map((w) => w.brier), class: 'weekly' },
                    {
                      name: 'All closes so far',
                      values: weeks.map((w) => w.cumulativeBrier),
                      class: 'cumulative',
                    },
                  ]}
                  max={brierMax}
                  ticks={brierMax === 1 ? [0, 0.25, 0.5, 0.75, 1] : [0, 0.1, 0.2, 0.3, 0.4, 0.5]}
                  format={(v) => v.toFixed(2)}
                  reference={{ value: 0.25, label: 'always saying 5' }}
                  xLabel="ISO week of the close"
                  yLabel="Brier (lower is better)"
                />
              }
              summary={
                <>
                  Lower is better.{' '}
                  {latest ? `Over all closes so far: ${fmtBrier(latest.cumulativeBrier)}.` : ''} A week with
                  no close has no point.
                </>
              }
              table={{
                caption:
                  'Brier score per week (that week’s closes) and cumulative (every close up to that week)',
                head: ['Week', 'Closed', 'Brier (week)', 'Brier (cumulative)'],
                rows: weeks.map((w) => [
                  weekLabel(w.week),
                  String(w.closed),
                  fmtBrier(w.brier),
                  fmtBrier(w.cumulativeBrier),
                ]),
              }}
            />
            <ChartFigure
              id="calibration"
              heading="Stated Confidence against what happened"
              chart={
                <CalibrationChart
                  id="calibration-chart"
                  title="Calibration: stated Confidence against the share that won"
                  desc={`For each Confidence the team gave (1 to 10), the share of those experiments that won, with how many there were; a perfectly calibrated team sits on the diagonal. ${ins.buckets.map((b) => `Confidence ${b.confidence}: ${b.wins} of ${b.n} won.`).join(' ')}`}
                  points={ins.buckets}
                />
              }
              summary="A dot below the diagonal means the team was over-confident at that score; above it, too cautious. Bigger dots rest on more experiments."
              table={{
                caption: 'Stated Confidence (team mean, rounded) against the actual win rate, all closes',
                head: ['Stated Confidence', 'Experiments', 'Won', 'Win rate', 'Perfectly calibrated'],
                rows: ins.buckets.map((b) => [
                  String(b.confidence),
                  String(b.n),
                  String(b.wins),
                  fmtPct(b.winRate),
                  `${b.confidence * 10}%`,
                ]),
              }}
            />
            <ChartFigure
              id="velocity"
              heading="Velocity: experiments closed per week"
              chart={
                <BarChart
                  id="velocity-chart"
                  title="Experiments closed per week"
                  desc={`Experiments closed in each of the last ${weeks.length} weeks: ${weeks.map((w) => `${shortWeek(w.week)} ${w.closed}`).join(', ')}.`}
                  labels={labels}
                  values={weeks.map((w) => w.closed)}
                  max={velocity.max}
                  ticks={velocity.ticks}
                  format={(v) => String(v)}
                  xLabel="ISO week of the close"
                  yLabel="Closed"
                  barClass="velocity"
                />
              }
              summary={`${inWindow} closed in these ${weeks.length} weeks.`}
              table={{
                caption: 'Experiments closed per week',
                head: ['Week', 'Closed'],
                rows: weeks.map((w) => [weekLabel(w.week), String(w.closed)]),
              }}
            />
            <ChartFigure
              id="win-rate"
              heading="Win rate per week"
              chart={
                <BarChart
                  id="win-rate-chart"
                  title="Share of the week’s closes that won"
                  desc={`Win rate of each of the last ${weeks.length} weeks; a dash marks a week with nothing closed. ${weeks
                    .filter((w) => w.closed)
                    .map((w) => `${shortWeek(w.week)} ${fmtPct(w.winRate)} of ${w.closed}`)
                    .join(', ')}.`}
                  labels={labels}
                  values={weeks.map((w) => w.winRate)}
                  max={1}
                  ticks={[0, 0.25, 0.5, 0.75, 1]}
                  format={(v) => `${Math.round(v * 100)}%`}
                  xLabel="ISO week of the close"
                  yLabel="Won"
                  barClass="win-rate"
                />
              }
              summary={`${winsInWindow} of ${inWindow} won in these ${weeks.length} weeks${inWindow ? ` (${fmtPct(winsInWindow / inWindow)})` : ''}; a dash is a week with nothing closed.`}
              table={{
                caption: 'Win rate per week',
                head: ['Week', 'Closed', 'Won', 'Win rate'],
                rows: weeks.map((w) => [
                  weekLabel(w.week),
                  String(w.closed),
                  String(w.wins),
                  fmtPct(w.winRate),
                ]),
              }}
            />
          </div>
        </>
      )}
    </Layout>
  );
}

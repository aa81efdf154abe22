import type { Outcome } from '../../db/schema';
import { weekLabel } from '../../src/batches/weeks';
import type { LearningsData } from '../../src/meeting/data';
import { fmtDate, LearningPill, OutcomePill } from '../components/badges';
import { Empty, plural, Section, type Viewer } from './shared';

// c) Learnings recorded since the last meeting (the last "Start batch"), newest first, with the experiments
// behind each: what the team now believes, before it scores the backlog.

export function LearningsSection(props: { v: Viewer; data: LearningsData }) {
  const { v, data } = props;
  const base = `/w/${v.ws.slug}`;
  const since = data.since?.startedAt;
  return (
    <Section
      k="learnings"
      n={3}
      title="What we learned"
      lede={
        since != null && data.since
          ? `Recorded since the batch for ${weekLabel(data.since.week)} started (${fmtDate(since)}).`
          : 'No batch has started yet, so these are all the learnings so far.'
      }
    >
      {data.items.length === 0 ? (
        <Empty>
          <p>
            Nothing learned since the last meeting yet. Closing an experiment above records what it taught;
            learnings from research go in the <a href={`${base}/learnings`}>learnings library</a>.
          </p>
        </Empty>
      ) : (
        <ul class="m-list">
          {data.items.map((l) => (
            <li id={`ml-${l.id}`} class="m-item">
              <p class="m-statement">
                <LearningPill status={l.status} /> {l.statement}
              </p>
              <p class="meta">
                {l.metricName ?? 'Whole workspace'} · recorded {fmtDate(l.createdAt)}
                {l.experiments.length ? ` · ${plural(l.experiments.length, 'experiment')}:` : ''}
              </p>
              {l.experiments.length ? (
                <ul class="experiments">
                  {l.experiments.map((x) => (
                    <li>
                      {x.relation === 'contradicts' ? <strong>Contradicted by </strong> : null}
                      <a href={`${base}/hypotheses/${x.id}`}>{x.title}</a>{' '}
                      <OutcomePill outcome={x.result as Outcome | null} />
                      {x.roti != null ? <span class="muted"> · ROTI {x.roti.toFixed(2)}</span> : null}
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

import type { MemberWorkspace } from '../../src/accounts/members';
import { dayLabel, weekLabel } from '../../src/batches/weeks';
import type { Digest, DigestLearning, DigestResult } from '../../src/share/digest';
import { fmtLift, LearningPill, OutcomePill } from '../components/badges';
import { Layout } from '../layout';
import { ShareLayout } from './layout';
import { Tree } from './tree';

// The weekly digest behind a share link: read by people outside the team, so every figure says what it
// is, every list says when it is empty, and nothing links into the app.

export type DigestLinks = {
  /** The digest's own address, without a query: week links add ?week=. */
  base: string;
  /** The Markdown version, when offered. */
  markdown?: string;
};

const weekHref = (base: string, week: string) => `${base}?week=${week}`;

/** "Week 47 · 16–22 Nov 2026 (this week, so far)", and why this week was picked when nobody asked. */
function WeekHeading(props: { digest: Digest; links: DigestLinks }) {
  const { week } = props.digest;
  const isCurrent = week.week === week.current;
  return (
    <>
      <p class="lede">
        <strong>{weekLabel(week.week)}</strong>
        {isCurrent ? ' · this week, so far' : week.next === week.current ? ' · last week' : ''}
      </p>
      {week.reason === 'last' ? (
        <p class="muted" role="status">
          Showing last week: nothing has been closed or learned yet this week.{' '}
          <a href={weekHref(props.links.base, week.current)}>See this week so far</a>
        </p>
      ) : null}
      <nav class="row" aria-label="Other weeks">
        {week.previous ? (
          <a href={weekHref(props.links.base, week.previous)} rel="prev">
            ← Previous week
          </a>
        ) : (
          <span class="muted">This is the first week</span>
        )}
        {week.next ? (
          <a href={weekHref(props.links.base, week.next)} rel="next">
            Next week →
          </a>
        ) : null}
      </nav>
    </>
  );
}

function Results(props: { results: DigestResult[]; current: boolean }) {
  const { results } = props;
  return (
    <section class="stack" aria-labelledby="digest-results">
      <h2 id="digest-results">
        Results {props.current ? 'so far this week' : 'of the week'} ({results.length})
      </h2>
      {results.length === 0 ? (
        <p class="empty">No experiment was closed {props.current ? 'yet this week' : 'that week'}.</p>
      ) : (
        <>
          <table class="table digest-results">
            <caption class="sr-only">Experiments closed in the week</caption>
            <thead>
              <tr>
                <th scope="col">Experiment</th>
                <th scope="col">Metric</th>
                <th scope="col">Result</th>
                <th scope="col" class="num">
                  Lift
                </th>
                <th scope="col" class="num">
                  <abbr title="Return on time invested: payback (0–10) per person-day">ROTI</abbr>
                </th>
                <th scope="col">What we learned</th>
              </tr>
            </thead>
            <tbody>
              {results.map((r) => (
                <tr>
                  <td>{r.title}</td>
                  <td>{r.metricName}</td>
                  <td>
                    <OutcomePill outcome={r.result} />
                  </td>
                  <td class="num">{fmtLift(r.lift)}</td>
                  <td class="num">{r.roti == null ? '—' : r.roti.toFixed(2)}</td>
                  <td>
                    {r.learnings.length === 0 ? (
                      <span class="muted">—</span>
                    ) : (
                      <ul class="learning-list">
                        {r.learnings.map((l) => (
                          <li>
                            {l.relation === 'contradicts' ? <span class="muted">Contradicts: </span> : null}
                            {l.statement}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted small">
            Lift is the observed change of the metric against its baseline. ROTI (return on time invested) is
            the payback the team gave the experiment, from 0 to 10, per person-day spent on it.
          </p>
        </>
      )}
    </section>
  );
}

function LearningChange(props: { learning: DigestLearning }) {
  const l = props.learning;
  if (l.isNew) return <span class="muted">New · </span>;
  if (l.was) return <span class="muted">Was {l.was}, now </span>;
  return null;
}

function Learnings(props: { learnings: DigestLearning[]; current: boolean }) {
  const { learnings } = props;
  return (
    <section class="stack" aria-labelledby="digest-learnings">
      <h2 id="digest-learnings">
        Learnings {props.current ? 'so far this week' : 'of the week'} ({learnings.length})
      </h2>
      {learnings.length === 0 ? (
        <p class="empty">
          No learning was recorded or re-judged {props.current ? 'yet this week' : 'that week'}.
        </p>
      ) : (
        <ul class="learning-list">
          {learnings.map((l) => (
            <li>
              <LearningChange learning={l} />
              <LearningPill status={l.status} /> {l.statement}
              {l.metricName ? <span class="muted"> · {l.metricName}</span> : null}
            </li>
          ))}
        </ul>
      )}
      <p class="muted small">
        A learning is something the team now believes: emerging (one experiment), supported (several agree),
        confirmed, or rejected.
      </p>
    </section>
  );
}

function Now(props: { digest: Digest }) {
  const { running, selected, selectedMore } = props.digest;
  const selectedCount = selected.reduce((n, s) => n + s.titles.length, 0) + selectedMore;
  return (
    <section class="stack" aria-labelledby="digest-now">
      <h2 id="digest-now">What the team is working on now</h2>
      <div class="row">
        <div class="grow">
          <h3>Running ({running.titles.length + running.more})</h3>
          {running.titles.length === 0 ? (
            <p class="muted">No experiment is running right now.</p>
          ) : (
            <ul>
              {running.titles.map((t) => (
                <li>{t}</li>
              ))}
              {running.more ? <li class="muted">and {running.more} more</li> : null}
            </ul>
          )}
        </div>
        <div class="grow">
          <h3>Selected for the next batch ({selectedCount})</h3>
          {selected.length === 0 ? (
            <p class="muted">Nothing selected yet: the team picks the next batch at its weekly meeting.</p>
          ) : (
            selected.map((s) => (
              <>
                <p class="muted">{weekLabel(s.week)}</p>
                <ul>
                  {s.titles.map((t) => (
                    <li>{t}</li>
                  ))}
                </ul>
              </>
            ))
          )}
          {selectedMore ? <p class="muted">and {selectedMore} more</p> : null}
        </div>
      </div>
    </section>
  );
}

/** The digest itself, without the document around it (shared by the public page and the owners' preview). */
export function DigestBody(props: { digest: Digest; links: DigestLinks }) {
  const { digest, links } = props;
  const current = digest.week.week === digest.week.current;
  return (
    <article class="digest stack" aria-labelledby="digest-name">
      <header class="stack">
        <p class="eyebrow">Weekly digest</p>
        <h1 id="digest-name">{digest.workspace.name}</h1>
        <WeekHeading digest={digest} links={links} />
      </header>
      <Tree digest={digest} />
      <Results results={digest.results} current={current} />
      <Learnings learnings={digest.learnings} current={current} />
      <Now digest={digest} />
      <footer class="muted small">
        <p>
          A read-only digest shared by the team from Lodestar, its experiment backlog. Weeks run Monday to
          Sunday ({digest.workspace.timeZone}); this one from{' '}
          {dayLabel(digest.bounds.start, digest.workspace.timeZone)}.
          {links.markdown ? (
            <>
              {' '}
              <a href={links.markdown}>This digest as text</a> (Markdown, to paste into an email or chat).
            </>
          ) : null}
        </p>
      </footer>
    </article>
  );
}

export function DigestPage(props: { digest: Digest; links: DigestLinks }) {
  return (
    <ShareLayout title={`Weekly digest · ${props.digest.workspace.name}`}>
      <DigestBody {...props} />
    </ShareLayout>
  );
}

/** What an owner sees before handing out a link: the same digest, inside the app, marked as a preview. */
export function DigestPreviewPage(props: { ws: MemberWorkspace; digest: Digest; links: DigestLinks }) {
  const { ws } = props;
  return (
    <Layout title="Digest preview" ws={ws} nav="settings">
      <p class="crumbs">
        <a href={`/w/${ws.slug}/settings`}>Settings</a> /{' '}
        <a href={`/w/${ws.slug}/settings/share`}>Share with stakeholders</a> / Preview
      </p>
      <p class="alert read-only" role="status">
        Preview: this is what a share link shows. Stakeholders see it without the Lodestar navigation above.
      </p>
      <DigestBody digest={props.digest} links={props.links} />
    </Layout>
  );
}

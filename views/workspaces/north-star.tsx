import type { Metric } from '../../db/schema';
import type { MemberWorkspace } from '../../src/accounts/members';
import { NSM_CHECKS } from '../../src/metrics/north-star';
import { isOwner, ReadOnlyNote } from '../components/access';
import { Banner, fmt } from '../components/badges';
import { ErrorSummary, type FormState, Input, Select, TextArea } from '../components/form';
import { Layout } from '../layout';
import { metricValues } from '../metrics/page';
import { ChecklistBadge } from './tree';

/** Form values of an existing North Star, including one answer and note per checklist item. */
export function northStarValues(m: Metric | undefined): Record<string, string> {
  if (!m) return { direction: 'up', cadence: 'week' };
  const values: Record<string, string> = { ...metricValues(m), cadence: m.cadence };
  for (const c of NSM_CHECKS) {
    const a = m.checklist?.[c.key];
    values[`check_${c.key}`] = a?.pass == null ? '' : a.pass ? 'pass' : 'fail';
    values[`note_${c.key}`] = a?.note ?? '';
  }
  return values;
}

/** The North Star as members who cannot change it see it: its values and the team's checklist answers. */
function NorthStarFacts(props: { northStar?: Metric }) {
  const m = props.northStar;
  if (!m) return <p class="empty">No North Star has been named for this workspace yet.</p>;
  const unit = m.unit ? ` ${m.unit}` : '';
  return (
    <>
      <dl class="facts">
        <div>
          <dt>Definition of the value moment</dt>
          <dd>{m.description || '—'}</dd>
        </div>
        <div>
          <dt>Direction</dt>
          <dd>{m.direction === 'up' ? '↑ up is good' : '↓ down is good'}</dd>
        </div>
        <div>
          <dt>Current value</dt>
          <dd>
            {fmt(m.currentValue, 2)}
            {m.currentValue != null ? unit : ''}
          </dd>
        </div>
        <div>
          <dt>Target</dt>
          <dd>
            {fmt(m.target, 2)}
            {m.target != null ? unit : ''}
          </dd>
        </div>
        <div>
          <dt>Owner</dt>
          <dd>{m.owner || '—'}</dd>
        </div>
      </dl>
      <section class="panel" aria-labelledby="nsm-checks">
        <h2 id="nsm-checks">Is it a good North Star?</h2>
        <ol class="checklist">
          {NSM_CHECKS.map((c) => {
            const a = m.checklist?.[c.key];
            return (
              <li>
                <p class="check-label">
                  {c.kind === 'pressure' ? <span class="pill">pressure test</span> : null} {c.label}
                </p>
                <p>
                  {a?.pass == null ? (
                    <span class="muted">Not answered yet</span>
                  ) : a.pass ? (
                    `${c.pass} (passes)`
                  ) : (
                    `${c.fail} (fails)`
                  )}
                  {a?.note ? <span class="muted"> · {a.note}</span> : null}
                </p>
              </li>
            );
          })}
        </ol>
      </section>
    </>
  );
}

export function NorthStarPage(props: {
  ws: MemberWorkspace;
  northStar?: Metric;
  form: FormState;
  conflict?: string;
  saved?: boolean;
}) {
  const { ws, northStar, form: s } = props;
  const owner = isOwner(ws);
  return (
    <Layout title="North Star" ws={ws} nav="tree">
      <p class="crumbs">
        <a href={`/w/${ws.slug}`}>North Star tree</a> ›
      </p>
      <h1>
        {northStar ? `North Star: ${northStar.name}` : owner ? 'Name your North Star' : 'No North Star yet'}
      </h1>
      {northStar ? (
        <p>
          <ChecklistBadge northStar={northStar} />
        </p>
      ) : null}
      <Banner tone="ok" message={props.saved ? 'Saved.' : undefined} />
      <Banner tone="warn" message={props.conflict} />
      <ReadOnlyNote ws={ws} needs="owner" what="the North Star and its checklist" />
      {owner ? (
        <NorthStarForm ws={ws} northStar={northStar} form={s} />
      ) : (
        <NorthStarFacts northStar={northStar} />
      )}
    </Layout>
  );
}

function NorthStarForm(props: { ws: MemberWorkspace; northStar?: Metric; form: FormState }) {
  const { ws, northStar, form: s } = props;
  return (
    <form method="post" action={`/w/${ws.slug}/north-star`} class="stack">
      <ErrorSummary state={s} />
      <input type="hidden" name="version" value={s.values.version ?? ''} />
      <div class="row">
        <Input name="name" label="Name" state={s} required maxLength={80} />
        <Input name="unit" label="Unit" state={s} maxLength={24} />
        <Select
          name="direction"
          label="Direction"
          state={s}
          options={[
            { value: 'up', label: 'Up is good' },
            { value: 'down', label: 'Down is good' },
          ]}
        />
        <Select
          name="cadence"
          label="Measured"
          state={s}
          options={[
            { value: 'week', label: 'Weekly (one value per ISO week)' },
            { value: 'day', label: 'Daily' },
          ]}
          hint="Fixed once it has values."
        />
      </div>
      <TextArea
        name="description"
        label="Definition of the value moment"
        state={s}
        maxLength={1000}
        rows={2}
      />
      <div class="row">
        <Input name="currentValue" label="Current value" state={s} type="number" step="any" />
        <Input name="target" label="Target" state={s} type="number" step="any" />
        <Input name="owner" label="Owner" state={s} maxLength={80} />
      </div>
      <fieldset>
        <legend>Is it a good North Star?</legend>
        <p class="hint">
          Five tests of a North Star Metric and two pressure tests. Answer each with the team and note why;
          the badge counts how many pass.
        </p>
        <ol class="checklist">
          {NSM_CHECKS.map((c) => (
            <li>
              <p class="check-label">
                {c.kind === 'pressure' ? <span class="pill">pressure test</span> : null} {c.label}
              </p>
              <div class="row">
                <Select
                  name={`check_${c.key}`}
                  label="Answer"
                  state={s}
                  placeholder="Not answered yet"
                  options={[
                    { value: 'pass', label: `${c.pass} (passes)` },
                    { value: 'fail', label: `${c.fail} (fails)` },
                  ]}
                />
                <Input name={`note_${c.key}`} label="Note" state={s} maxLength={500} class="grow" />
              </div>
            </li>
          ))}
        </ol>
      </fieldset>
      <button type="submit">{northStar ? 'Save North Star' : 'Name the North Star'}</button>
    </form>
  );
}

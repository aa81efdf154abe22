import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// Times are integer epoch milliseconds (UTC). Every table but workspaces carries workspace_id so that
// every query can be scoped by it without a join.

export const ICE_MODES = ['mean', 'product'] as const;
export type IceMode = (typeof ICE_MODES)[number];

export const workspaces = sqliteTable('workspaces', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  iceMode: text('ice_mode', { enum: ICE_MODES }).notNull().default('mean'),
  timeZone: text('time_zone').notNull().default('UTC'),
  createdAt: integer('created_at').notNull(),
});

export const METRIC_KINDS = ['north_star', 'input'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];
export const DIRECTIONS = ['up', 'down'] as const;
export type Direction = (typeof DIRECTIONS)[number];
/** How often a metric is measured: one value per ISO week ("2026-W47") or per day ("2026-11-22"). */
export const CADENCES = ['week', 'day'] as const;
export type Cadence = (typeof CADENCES)[number];

/** One answer of the North Star checklist: pass (true/false, null = not answered yet) and a note. */
export type ChecklistAnswer = { pass: boolean | null; note: string };
export type Checklist = Record<string, ChecklistAnswer>;

export const metrics = sqliteTable(
  'metrics',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: integer('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: METRIC_KINDS }).notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    unit: text('unit').notNull().default(''),
    direction: text('direction', { enum: DIRECTIONS }).notNull().default('up'),
    cadence: text('cadence', { enum: CADENCES }).notNull().default('week'),
    owner: text('owner').notNull().default(''),
    // The latest measurement's value once the metric has measurements (kept in step by src/measurements).
    currentValue: real('current_value'),
    target: real('target'),
    checklist: text('checklist', { mode: 'json' }).$type<Checklist>(),
    archivedAt: integer('archived_at'),
    version: integer('version').notNull().default(1),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('metrics_workspace_idx').on(t.workspaceId, t.kind, t.archivedAt),
    // Exactly one North Star per workspace, enforced by the database as well as by the code.
    uniqueIndex('metrics_one_north_star').on(t.workspaceId).where(sql`kind = 'north_star'`),
  ],
);

export const DRAFT_SOURCES = ['playbook', 'model'] as const;
export type DraftSource = (typeof DRAFT_SOURCES)[number];
/** Why a drafter suggested each score, in one line each ("3 of 4 similar experiments won: Confidence 7"). */
export type ScoreReasons = { impact: string; confidence: string; ease: string };

export const STATUSES = ['draft', 'backlog', 'selected', 'running', 'done', 'parked', 'rejected'] as const;
export type Status = (typeof STATUSES)[number];
export const OUTCOMES = ['won', 'lost', 'inconclusive', 'stopped', 'invalid'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const hypotheses = sqliteTable(
  'hypotheses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: integer('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    metricId: integer('metric_id')
      .notNull()
      .references(() => metrics.id),
    // Provenance of follow-ups: the closed experiment and/or the learning a draft was seeded from.
    parentId: integer('parent_id'),
    sourceLearningId: integer('source_learning_id'),
    // Drafted hypotheses keep where they came from, also once accepted (issue 6): the drafter ('playbook' or
    // 'model'), its rule/tactic or the model's name, the learnings and experiments the draft built on, the
    // one-line reason behind each suggested score, the existing hypothesis it looked like when drafted, and
    // the run that made it. All null for hypotheses a person wrote.
    draftSource: text('draft_source', { enum: DRAFT_SOURCES }),
    draftRule: text('draft_rule'),
    draftLearningIds: text('draft_learning_ids', { mode: 'json' }).$type<number[]>(),
    draftExperimentIds: text('draft_experiment_ids', { mode: 'json' }).$type<number[]>(),
    scoreReasons: text('score_reasons', { mode: 'json' }).$type<ScoreReasons>(),
    duplicateOfId: integer('duplicate_of_id'),
    draftRunId: integer('draft_run_id'),
    title: text('title').notNull(),
    change: text('change').notNull(),
    outcome: text('outcome').notNull(),
    expectedLift: real('expected_lift'),
    rationale: text('rationale').notNull(),
    owner: text('owner').notNull().default(''),
    // The team's scores: the mean of the members' own scores (member_scores), one decimal; a hypothesis no
    // member has scored yet (seeded, imported) keeps the scores it was created with.
    impact: real('impact').notNull(),
    confidence: real('confidence').notNull(),
    ease: real('ease').notNull(),
    // ice and expected_roti are derived from the scores but stored, so that ranking is an index walk.
    ice: real('ice').notNull(),
    estimatedDays: real('estimated_days'),
    expectedRoti: real('expected_roti'),
    status: text('status', { enum: STATUSES }).notNull(),
    result: text('result', { enum: OUTCOMES }),
    baseline: real('baseline'),
    observed: real('observed'),
    lift: real('lift'),
    actualDays: real('actual_days'),
    returnScore: real('return_score'),
    roti: real('roti'),
    // The weekly batch it was selected into; kept once it runs and closes, so past batches keep their items.
    batchId: integer('batch_id').references(() => batches.id),
    selectedAt: integer('selected_at'),
    startedAt: integer('started_at'),
    closedAt: integer('closed_at'),
    version: integer('version').notNull().default(1),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    // The two ranking orders (DESIGN.md: ICE then expected ROTI then oldest; or expected ROTI first).
    index('hypotheses_rank_ice_idx').on(
      t.workspaceId,
      t.status,
      sql`${t.ice} desc`,
      sql`${t.expectedRoti} desc`,
      t.createdAt,
      t.id,
    ),
    index('hypotheses_rank_roti_idx').on(
      t.workspaceId,
      t.status,
      sql`${t.expectedRoti} desc`,
      sql`${t.ice} desc`,
      t.createdAt,
      t.id,
    ),
    index('hypotheses_metric_idx').on(t.workspaceId, t.metricId, t.status),
    index('hypotheses_parent_idx').on(t.parentId),
    index('hypotheses_batch_idx').on(t.workspaceId, t.batchId),
    // Closed experiments only, with every column the levers' grouped sums read: the backlog's "Lever ROTI"
    // is summed from index entries alone (no table row, no open hypothesis). Queries name status = 'done'
    // as a literal, since SQLite uses a partial index only when the WHERE clause implies its own.
    index('hypotheses_closed_idx')
      .on(t.workspaceId, t.metricId, t.status, t.result, t.roti, t.actualDays, t.estimatedDays)
      .where(sql`status = 'done'`),
  ],
);

export const DRAFT_RUN_STATUSES = ['running', 'done', 'failed'] as const;
export type DraftRunStatus = (typeof DRAFT_RUN_STATUSES)[number];

/** One press of "Draft hypotheses": what was asked, which drafter answered, what it stored and dropped. */
export const draftRuns = sqliteTable(
  'draft_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: integer('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    // Null: drafts for every active input metric.
    metricId: integer('metric_id').references(() => metrics.id, { onDelete: 'set null' }),
    count: integer('count').notNull(),
    drafter: text('drafter', { enum: DRAFT_SOURCES }).notNull(),
    // The model's name, or 'playbook'.
    source: text('source').notNull(),
    status: text('status', { enum: DRAFT_RUN_STATUSES }).notNull().default('running'),
    // What the person sees while it runs, and after: "Asking the model…", or why it failed.
    message: text('message').notNull().default(''),
    problems: text('problems', { mode: 'json' }).$type<string[]>().notNull(),
    createdIds: text('created_ids', { mode: 'json' }).$type<number[]>().notNull(),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
    finishedAt: integer('finished_at'),
  },
  (t) => [index('draft_runs_workspace_idx').on(t.workspaceId, t.createdAt)],
);

/** The hypotheses picked for one ISO week ("2026-W47", in the workspace's time zone), with a capacity. */
export const batches = sqliteTable(
  'batches',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: integer('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    week: text('week').notNull(),
    capacityDays: real('capacity_days').notNull(),
    // Set by "Start batch", which moves its selected hypotheses to running and ends that week's meeting.
    startedAt: integer('started_at'),
    version: integer('version').notNull().default(1),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('batches_workspace_week').on(t.workspaceId, t.week)],
);

/** One member's own Impact, Confidence and Ease for a hypothesis; the hypothesis holds their mean. */
export const memberScores = sqliteTable(
  'member_scores',
  {
    hypothesisId: integer('hypothesis_id')
      .notNull()
      .references(() => hypotheses.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    workspaceId: integer('workspace_id').notNull(),
    impact: integer('impact').notNull(),
    confidence: integer('confidence').notNull(),
    ease: integer('ease').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.hypothesisId, t.userId] }),
    index('member_scores_user_idx').on(t.workspaceId, t.userId),
  ],
);

export const hypothesisTags = sqliteTable(
  'hypothesis_tags',
  {
    hypothesisId: integer('hypothesis_id')
      .notNull()
      .references(() => hypotheses.id, { onDelete: 'cascade' }),
    workspaceId: integer('workspace_id').notNull(),
    tag: text('tag').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.hypothesisId, t.tag] }),
    index('hypothesis_tags_tag_idx').on(t.workspaceId, t.tag),
  ],
);

export const LEARNING_STATUSES = ['emerging', 'supported', 'confirmed', 'rejected'] as const;
export type LearningStatus = (typeof LEARNING_STATUSES)[number];

export const learnings = sqliteTable(
  'learnings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: integer('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    metricId: integer('metric_id').references(() => metrics.id),
    statement: text('statement').notNull(),
    status: text('status', { enum: LEARNING_STATUSES }).notNull().default('emerging'),
    version: integer('version').notNull().default(1),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('learnings_workspace_idx').on(t.workspaceId, t.metricId, t.createdAt)],
);

export const RELATIONS = ['supports', 'contradicts'] as const;
export type Relation = (typeof RELATIONS)[number];

export const hypothesisLearnings = sqliteTable(
  'hypothesis_learnings',
  {
    hypothesisId: integer('hypothesis_id')
      .notNull()
      .references(() => hypotheses.id, { onDelete: 'cascade' }),
    learningId: integer('learning_id')
      .notNull()
      .references(() => learnings.id, { onDelete: 'cascade' }),
    workspaceId: integer('workspace_id').notNull(),
    relation: text('relation', { enum: RELATIONS }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.hypothesisId, t.learningId] }),
    index('hypothesis_learnings_learning_idx').on(t.learningId),
  ],
);

export const MEASUREMENT_SOURCES = ['manual', 'csv', 'api', 'backup'] as const;
export type MeasurementSource = (typeof MEASUREMENT_SOURCES)[number];

/** A metric's value for one period of its cadence; a second value for the same period replaces the first. */
export const measurements = sqliteTable(
  'measurements',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: integer('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    metricId: integer('metric_id')
      .notNull()
      .references(() => metrics.id, { onDelete: 'cascade' }),
    // "2026-W47" for a weekly metric, "2026-11-22" for a daily one: both sort as text in time order.
    period: text('period').notNull(),
    value: real('value').notNull(),
    source: text('source', { enum: MEASUREMENT_SOURCES }).notNull().default('manual'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('measurements_metric_period').on(t.metricId, t.period),
    index('measurements_workspace_idx').on(t.workspaceId, t.metricId, t.period),
  ],
);

/** A read-only link to the workspace's weekly digest, for stakeholders without an account. */
export const shareLinks = sqliteTable(
  'share_links',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: integer('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    // SHA-256 of the random token in the URL, like invites: a copy of the database hands out no links.
    tokenHash: text('token_hash').notNull().unique(),
    label: text('label').notNull().default(''),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('share_links_workspace_idx').on(t.workspaceId, t.createdAt)],
);

/** What an outgoing webhook can be told about. */
export const WEBHOOK_EVENTS = ['experiment.closed', 'batch.started', 'meeting.summary'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const webhooks = sqliteTable(
  'webhooks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: integer('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    label: text('label').notNull().default(''),
    events: text('events', { mode: 'json' }).$type<WebhookEvent[]>().notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    version: integer('version').notNull().default(1),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('webhooks_workspace_idx').on(t.workspaceId)],
);

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One event to send to one webhook, with how its attempts went: the log an owner reads. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: integer('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    webhookId: integer('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    lastDurationMs: integer('last_duration_ms'),
    createdAt: integer('created_at').notNull(),
    deliveredAt: integer('delivered_at'),
  },
  (t) => [
    index('webhook_deliveries_log_idx').on(t.workspaceId, t.webhookId, t.createdAt),
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
  ],
);

export type Workspace = typeof workspaces.$inferSelect;
export type Metric = typeof metrics.$inferSelect;
export type Hypothesis = typeof hypotheses.$inferSelect;
export type Learning = typeof learnings.$inferSelect;
export type Batch = typeof batches.$inferSelect;
export type MemberScore = typeof memberScores.$inferSelect;
export type Measurement = typeof measurements.$inferSelect;
export type DraftRun = typeof draftRuns.$inferSelect;
export type ShareLink = typeof shareLinks.$inferSelect;
export type Webhook = typeof webhooks.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;

// ---- Accounts: users, their sessions and API tokens, workspace memberships and invites, the audit trail.

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  // Stored lower-cased: addresses are compared without regard to case.
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  // "scrypt$<log2 N>$<r>$<p>$<salt>$<hash>": the parameters travel with the hash, so raising them later
  // leaves existing passwords verifiable.
  passwordHash: text('password_hash').notNull(),
  // A server owner may create workspaces (the first user, and users added with `user add --owner`).
  isServerOwner: integer('is_server_owner', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
  passwordChangedAt: integer('password_changed_at').notNull(),
});

export const sessions = sqliteTable(
  'sessions',
  {
    // SHA-256 of the random id in the cookie: a copy of the database does not hand out live sessions.
    idHash: text('id_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    // The first characters of the token, so that its owner can tell tokens apart; not enough to use it.
    prefix: text('prefix').notNull(),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);

export const ROLES = ['viewer', 'editor', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export const memberships = sqliteTable(
  'memberships',
  {
    workspaceId: integer('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ROLES }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] }), index('memberships_user_idx').on(t.userId)],
);

export const invites = sqliteTable(
  'invites',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: integer('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    role: text('role', { enum: ROLES }).notNull(),
    // Who the link is meant for, as the owner wrote it (a reminder only: whoever opens the link may use it).
    note: text('note').notNull().default(''),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
    usedBy: integer('used_by').references(() => users.id, { onDelete: 'set null' }),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('invites_workspace_idx').on(t.workspaceId, t.createdAt)],
);

export const AUDIT_ENTITIES = [
  'hypothesis',
  'metric',
  'learning',
  'membership',
  'invite',
  'token',
  'workspace',
  'batch',
  'measurement',
  'share_link',
  'webhook',
] as const;
export type AuditEntity = (typeof AUDIT_ENTITIES)[number];

/** One recorded change: who, when, what, and the changed fields before and after. */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    // Null for changes that belong to no workspace (a user's API tokens).
    workspaceId: integer('workspace_id').references(() => workspaces.id, { onDelete: 'cascade' }),
    // Null when the change came from the command line or the system; actorName keeps the name as it was.
    actorUserId: integer('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    actorName: text('actor_name').notNull(),
    entity: text('entity', { enum: AUDIT_ENTITIES }).notNull(),
    entityId: integer('entity_id').notNull(),
    action: text('action').notNull(),
    before: text('before', { mode: 'json' }).$type<Record<string, unknown> | null>(),
    after: text('after', { mode: 'json' }).$type<Record<string, unknown> | null>(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('audit_workspace_idx').on(t.workspaceId, t.createdAt),
    // The workspace's latest event id (its data version, for page caches) in one index seek.
    index('audit_workspace_id_idx').on(t.workspaceId, t.id),
    index('audit_entity_idx').on(t.workspaceId, t.entity, t.entityId, t.createdAt),
    index('audit_actor_idx').on(t.actorUserId, t.createdAt),
  ],
);

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type Invite = typeof invites.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;

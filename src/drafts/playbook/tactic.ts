// A growth tactic in the playbook's library. Its texts are templates: `{metric}` becomes the input metric's
// name, `{moves}` "rise" or "fall" (its good direction), `{northStar}` the North Star's name.

export type Score = readonly [value: number, reason: string];

export type Tactic = {
  /** Stable key: the draft's rule is `tactic:<lever-type>/<key>`. */
  key: string;
  /** The idea, not the metric: a tactic is "tried" when a hypothesis with a similar title exists. */
  title: string;
  /**
   * The words that name the idea however it is phrased ("invite reminder"): a hypothesis or experiment whose
   * title (or change, for a closed one) holds all of them counts as this tactic tried.
   */
  gist: string;
  change: string;
  outcome: string;
  rationale: string;
  /** Typical relative lift in the metric's good direction, in percent. */
  lift: number;
  impact: Score;
  confidence: Score;
  ease: Score;
  /** Typical effort in person-days for a first version. */
  days: number;
  tags: string[];
};

/** A proposal as the playbook hands it to the pipeline (the shape DraftProposal parses). */
export type Proposal = {
  title: string;
  change: string;
  outcome: string;
  rationale: string;
  expectedLift: number | null;
  metricId: number;
  tags: string[];
  owner: string;
  impact: number;
  confidence: number;
  ease: number;
  estimatedDays: number;
  reasons: { impact: string; confidence: string; ease: string };
  learningIds: number[];
  experimentIds: number[];
  rule: string;
};

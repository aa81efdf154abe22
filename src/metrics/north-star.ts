import type { Checklist } from '../../db/schema';

// The North Star checklist: five tests of a good NSM and two pressure tests. Answers are stored as
// "passes" (true), "fails" (false) or not yet answered (null), each with a note; for the pressure tests
// the question says which answer passes.

export type Check = { key: string; label: string; kind: 'test' | 'pressure'; pass: string; fail: string };

export const NSM_CHECKS: readonly Check[] = [
  {
    key: 'customer_value',
    label: 'Expresses the value customers get',
    kind: 'test',
    pass: 'Yes',
    fail: 'No',
  },
  { key: 'vision', label: 'Represents the product vision', kind: 'test', pass: 'Yes', fail: 'No' },
  { key: 'leads_revenue', label: 'Is a leading indicator of revenue', kind: 'test', pass: 'Yes', fail: 'No' },
  { key: 'actionable', label: 'Is actionable by the team', kind: 'test', pass: 'Yes', fail: 'No' },
  { key: 'understood', label: 'Is understood across the company', kind: 'test', pass: 'Yes', fail: 'No' },
  {
    key: 'rise_with_less_value',
    label: 'Could it rise while customers get less value?',
    kind: 'pressure',
    pass: 'No, it only rises with customer value',
    fail: 'Yes, it can rise while value falls',
  },
  {
    key: 'thirty_percent',
    label: 'If it rose 30% in six months and nothing else changed, would the business be better?',
    kind: 'pressure',
    pass: 'Yes, clearly better',
    fail: 'No, or not clearly',
  },
];

export function emptyChecklist(): Checklist {
  return Object.fromEntries(NSM_CHECKS.map((c) => [c.key, { pass: null, note: '' }]));
}

export function checklistScore(checklist: Checklist | null | undefined): {
  passed: number;
  answered: number;
  total: number;
} {
  const answers = NSM_CHECKS.map((c) => checklist?.[c.key]);
  return {
    passed: answers.filter((a) => a?.pass === true).length,
    answered: answers.filter((a) => a?.pass != null).length,
    total: NSM_CHECKS.length,
  };
}

import type { Status } from '../../db/schema';

// The lifecycle of DESIGN.md. Transitions are the only way a status changes; `close` (running → done)
// needs a result and has its own function, so it is listed here only to be named in messages.

export type Move = { action: string; to: Status; label: string };

export const MOVES: Record<Status, Move[]> = {
  draft: [
    { action: 'accept', to: 'backlog', label: 'Accept to backlog' },
    { action: 'reject', to: 'rejected', label: 'Reject' },
  ],
  backlog: [
    { action: 'select', to: 'selected', label: 'Select for the batch' },
    { action: 'park', to: 'parked', label: 'Park' },
  ],
  selected: [
    { action: 'start', to: 'running', label: 'Start' },
    { action: 'deselect', to: 'backlog', label: 'Deselect (back to backlog)' },
    { action: 'park', to: 'parked', label: 'Park' },
  ],
  running: [{ action: 'close', to: 'done', label: 'Close with result' }],
  parked: [{ action: 'unpark', to: 'backlog', label: 'Return to backlog' }],
  rejected: [{ action: 'restore', to: 'backlog', label: 'Reconsider (to backlog)' }],
  done: [],
};

export const STATUS_LABELS: Record<Status, string> = {
  draft: 'Draft',
  backlog: 'Backlog',
  selected: 'Selected',
  running: 'Running',
  done: 'Done',
  parked: 'Parked',
  rejected: 'Rejected',
};

/** The move from `from` to `to`, if the lifecycle has one (close excluded: it needs a result). */
export function findMove(from: Status, to: Status): Move | undefined {
  return MOVES[from].find((m) => m.to === to && m.action !== 'close');
}

/** A sentence naming the moves allowed from `from`, for 409 messages. */
export function allowedMovesMessage(from: Status, to: Status): string {
  if (from === 'running' && to === 'done') {
    return 'A running experiment is closed with a result: use Close (outcome, actual days, return and a learning).';
  }
  const moves = MOVES[from];
  const head = `Cannot move a ${STATUS_LABELS[from].toLowerCase()} hypothesis to ${to}.`;
  if (moves.length === 0) return `${head} A ${from} hypothesis is final; draft a follow-up instead.`;
  const list = moves.map((m) => `${m.action} → ${m.to}`).join(', ');
  return `${head} Allowed from ${from}: ${list}.`;
}

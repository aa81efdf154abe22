import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is making the current change: a signed-in user (by session or API token), the CLI, or the system. */
export type Actor =
  | { kind: 'user'; userId: number; name: string; email: string; via: 'session' | 'token' }
  | { kind: 'cli' }
  | { kind: 'system' };

// The actor travels with the request (set once by the session middleware, by the CLI, by the seed) instead
// of as a parameter of every domain function: the audit record is written inside the domain's own write
// transaction, and threading the actor through every call would touch every signature for one field.
const store = new AsyncLocalStorage<Actor>();

/** The actor for a signed-in user. */
export function userActor(
  user: { id: number; name: string; email: string },
  via: 'session' | 'token',
): Actor {
  return { kind: 'user', userId: user.id, name: user.name, email: user.email, via };
}

export function runAs<T>(actor: Actor, fn: () => T): T {
  return store.run(actor, fn);
}

export function currentActor(): Actor {
  return store.getStore() ?? { kind: 'system' };
}

/** The signed-in user making this request, if any. */
export function currentUser(): Extract<Actor, { kind: 'user' }> | undefined {
  const a = store.getStore();
  return a?.kind === 'user' ? a : undefined;
}

export function actorName(a: Actor): string {
  return a.kind === 'user' ? a.name : a.kind === 'cli' ? 'command line' : 'Lodestar';
}

import type { ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import type { Db } from '../../db/client';
import type { ScryptParams } from '../accounts/passwords';
import type { Output } from './output';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;

/** How the README and the usage text spell a command. */
export const INVOKE = 'npm run lodestar --';

/** What every command receives. `scrypt` is OWASP's cost unless a test passes a cheaper one. */
export type Ctx = {
  db: Db;
  out: Output;
  scrypt?: ScryptParams;
  /** DATABASE_URL, for the commands that work on the database file itself (backup, restore). */
  databaseUrl?: string;
};

export type Command = {
  /** The command and its options, as in the usage text: `user add --email E …`. */
  usage: string;
  /** What it does, in a line or two. */
  about: string;
  options: ParseArgsOptionsConfig;
  /** Takes arguments that are not options (a FILE): they reach `exec` as `args`. */
  positionals?: boolean;
  /** Validates the parsed options and runs; returns the exit code. */
  exec(values: unknown, ctx: Ctx): Promise<number>;
};

/** A command whose options are checked by `schema` before `run` sees them. */
export function command<S extends z.ZodType>(spec: {
  usage: string;
  about: string;
  options: ParseArgsOptionsConfig;
  positionals?: boolean;
  schema: S;
  run(input: z.output<S>, ctx: Ctx): Promise<number>;
}): Command {
  const { schema, run, ...rest } = spec;
  return {
    ...rest,
    async exec(values, ctx) {
      const parsed = schema.safeParse(values);
      if (parsed.success) return run(parsed.data, ctx);
      for (const message of new Set(parsed.error.issues.map((i) => i.message))) ctx.out.error(message);
      ctx.out.error(`Usage: ${INVOKE} ${spec.usage}`);
      return EXIT.usage;
    },
  };
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

import { parseArgs } from 'node:util';
import type { Db } from '../../db/client';
import type { ScryptParams } from '../accounts/passwords';
import { runAs } from '../audit/actor';
import { isDomainError, ValidationError } from '../errors';
import { backup, restore } from './backup';
import { type Command, EXIT, INVOKE } from './command';
import { memberAdd } from './members';
import type { Output } from './output';
import { tokenCreate, tokenList, tokenRevoke } from './tokens';
import { userAdd, userList, userResetPassword } from './users';

export type { Output } from './output';

/** Every command, keyed by its two words (or its one word: backup, restore). */
export const COMMANDS: Record<string, Command> = {
  'user add': userAdd,
  'user reset-password': userResetPassword,
  'user list': userList,
  'member add': memberAdd,
  'token create': tokenCreate,
  'token list': tokenList,
  'token revoke': tokenRevoke,
  backup,
  restore,
};

const HELP = new Set(['help', '--help', '-h']);

export function usage(): string {
  const commands = Object.values(COMMANDS).flatMap((c) => [
    `  ${c.usage}`,
    ...c.about.split('\n').map((line) => `      ${line}`),
  ]);
  return [
    `Usage: ${INVOKE} <command> [options]`,
    '',
    'Commands:',
    ...commands,
    '  help',
    '      Show this list.',
    '',
    'The database is the one in DATABASE_URL, as for the server. Exit codes: 0 done, 1 refused, 2 bad usage.',
  ].join('\n');
}

// node:util's messages go on to explain `--` escaping, which says nothing useful here.
const firstSentence = (message: string) => message.split(/(?<=\.)\s/)[0] ?? message;

/**
 * Runs one command line (the words after `npm run lodestar --`) against the database and returns the
 * exit code: 0 done, 1 refused (unknown person, workspace or token, the last owner), 2 bad usage. Changes
 * are recorded in the audit trail as made by "command line". `scrypt` lets tests hash cheaply.
 */
export async function runCli(
  argv: string[],
  db: Db,
  out: Output,
  options: { scrypt?: ScryptParams; databaseUrl?: string } = {},
): Promise<number> {
  const [group, ...afterGroup] = argv;
  // A one-word command takes everything after its word; the others take what follows their second word.
  const single = group !== undefined && Object.hasOwn(COMMANDS, group) ? group : undefined;
  const [action, ...rest] = single ? [single, ...afterGroup] : afterGroup;
  if (group === undefined) {
    out.error(usage());
    return EXIT.usage;
  }
  if (HELP.has(group)) {
    out.log(usage());
    return EXIT.ok;
  }
  const cmd = single ? COMMANDS[single] : COMMANDS[`${group} ${action}`];
  if (!cmd) {
    const known = Object.keys(COMMANDS).some((k) => k.startsWith(`${group} `));
    out.error(
      known && action !== undefined
        ? `Unknown command "${group} ${action}".`
        : known
          ? `"${group}" needs a command after it.`
          : `Unknown command "${group}".`,
    );
    out.error(usage());
    return EXIT.usage;
  }
  if (rest.some((a) => HELP.has(a))) {
    out.log(`Usage: ${INVOKE} ${cmd.usage}\n${cmd.about}`);
    return EXIT.ok;
  }
  let values: unknown;
  try {
    const parsed = parseArgs({
      args: rest,
      options: cmd.options,
      strict: true,
      allowPositionals: !!cmd.positionals,
    });
    values = cmd.positionals ? { ...parsed.values, args: parsed.positionals } : parsed.values;
  } catch (e) {
    out.error(firstSentence(e instanceof Error ? e.message : String(e)));
    out.error(`Usage: ${INVOKE} ${cmd.usage}`);
    return EXIT.usage;
  }
  return runAs({ kind: 'cli' }, async () => {
    try {
      return await cmd.exec(values, { db, out, scrypt: options.scrypt, databaseUrl: options.databaseUrl });
    } catch (e) {
      // What the domain refuses (a taken email, the last owner stepping down) is an answer, not a crash.
      if (!isDomainError(e)) throw e;
      const messages = e instanceof ValidationError ? Object.values(e.fields) : [e.message];
      for (const message of messages) out.error(message);
      return EXIT.refused;
    }
  });
}

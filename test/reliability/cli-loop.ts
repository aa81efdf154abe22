import { FACTORY_SCRYPT } from '../../db/factories';
import { runCli } from '../../src/cli/commands';
import { openDb } from './kit';

// A second process writing the server's database for the reliability suite: the command line's own code
// (runCli, as src/cli.ts runs it) in a loop, adding people, making them editors of the workspace and
// giving them tokens. One line on stdout per acknowledged command ("ACK user <email>"), one per refusal
// ("FAIL …"); the parent compares them with the database afterwards.
// Usage: node --import tsx test/reliability/cli-loop.ts FILE SECONDS PREFIX

const [file, seconds, prefix] = process.argv.slice(2);
if (!file || !seconds || !prefix) {
  console.error('Usage: cli-loop.ts FILE SECONDS PREFIX');
  process.exit(2);
}
const db = openDb(file);
const deadline = Date.now() + Number(seconds) * 1000;
const errors: string[] = [];
const out = { log: () => {}, error: (line: string) => errors.push(line) };
let failed = 0;

async function run(argv: string[], ack: string) {
  errors.length = 0;
  let code: number;
  try {
    code = await runCli(argv, db, out, { scrypt: FACTORY_SCRYPT });
  } catch (e) {
    code = -1;
    errors.push(e instanceof Error ? e.message : String(e));
  }
  if (code === 0) console.log(`ACK ${ack}`);
  else {
    failed++;
    console.log(`FAIL ${argv.slice(0, 2).join(' ')} (${code}): ${errors.join(' ')}`);
  }
  return code === 0;
}

let n = 0;
while (Date.now() < deadline) {
  n++;
  const email = `${prefix}-${n}@cli.test`;
  if (
    !(await run(
      ['user', 'add', '--email', email, '--name', `CLI ${n}`, '--password', 'long enough pw'],
      `user ${email}`,
    ))
  )
    continue;
  await run(
    ['member', 'add', '--workspace', 'load', '--email', email, '--role', 'editor'],
    `member ${email}`,
  );
  await run(['token', 'create', '--email', email, '--name', 'loop'], `token ${email}`);
}
db.close();
process.exit(failed ? 1 : 0);

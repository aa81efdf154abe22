import { afterAll, describe, expect, it } from 'vitest';
import {
  apiWriters,
  checkFile,
  httpClient,
  Ledger,
  prepare,
  rng,
  seedFromEnv,
  sleep,
  startServer,
} from './kit';

// kill -9 at random points of a write load, again and again, restarting each time: the file must pass
// PRAGMA integrity_check, have no foreign key pointing nowhere, and hold every write acknowledged before the
// kill. The kill points come from the seed (printed; RELIABILITY_SEED=<n> replays the same schedule).

const ROUNDS = Number(process.env.RELIABILITY_KILLS ?? 20);

describe('reliability: kill -9 under write load', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });

  it(`survives ${ROUNDS} kills with every acknowledged write kept`, async () => {
    const seed = seedFromEnv();
    const random = rng(seed);
    console.log(`crash: seed=${seed} rounds=${ROUNDS}`);
    const setup = await prepare(20);
    cleanups.push(setup.dispose);
    const ledger = new Ledger();
    const kills: number[] = [];

    for (let round = 1; round <= ROUNDS; round++) {
      const server = await startServer(setup.file);
      const http = httpClient(30);
      let killed = false;
      const writers = apiWriters({
        base: server.base,
        slug: setup.ws.slug,
        metricId: setup.metric.id,
        clients: setup.clients,
        seed: seed + round * 1000,
        ledger,
        http,
        until: () => killed,
      });
      const after = 100 + Math.floor(random() * 1400);
      kills.push(after);
      await sleep(after);
      server.child.kill('SIGKILL');
      const exit = await server.exited;
      killed = true;
      await writers;
      http.close();
      expect(exit.signal, `round ${round}: the server was killed, not ended`).toBe('SIGKILL');

      const check = await checkFile(setup.file);
      expect(check.integrity, `round ${round} (kill after ${after} ms): integrity_check`).toBe('ok');
      expect(check.foreignKeys, `round ${round}: foreign_key_check`).toEqual([]);
      expect(
        await ledger.missing(setup.file, setup.ws.id),
        `round ${round}: acknowledged writes lost`,
      ).toEqual([]);
    }
    console.log(`crash: kills after ${kills.join(', ')} ms of load; ${ledger.summary()}`);
    expect(ledger.serverErrors, 'no 5xx before the kills').toEqual([]);
    expect(ledger.created.size).toBeGreaterThan(ROUNDS);
  });
});

import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { apiHeaders, type Client, prepare, type Server, startServer } from './kit';

// A request body over the limit is refused (413) before it is read whole: the answer comes while the
// client is still holding back most of the body, whether it announced its length or streams it chunked.

/** Sends `sent` bytes of a body the headers say is `total` long (chunked when `total` is undefined), then waits. */
function partialUpload(server: Server, c: Client, sent: number, total?: number) {
  return new Promise<{ status: number; text: string; tookMs: number }>((ok, fail) => {
    const started = Date.now();
    const headers: Record<string, string> = { ...apiHeaders(c) };
    if (total !== undefined) headers['content-length'] = String(total);
    const req = request(
      `${server.base}/api/v1/workspaces/load/hypotheses`,
      { method: 'POST', agent: false, headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => {
          text += d;
        });
        res.on('end', () => {
          req.destroy();
          ok({ status: res.statusCode ?? 0, text, tookMs: Date.now() - started });
        });
      },
    );
    req.on('error', fail);
    req.write(`{"title":"${'x'.repeat(sent)}`);
    // The rest never comes: only a server that answers early lets this promise settle.
    setTimeout(() => {
      req.destroy();
      fail(new Error('no answer within 10 s while the body was held back'));
    }, 10_000).unref();
  });
}

describe('reliability: body limit', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });

  it('answers 413 before an over-size body has been sent whole', async () => {
    const setup = await prepare(1);
    cleanups.push(setup.dispose);
    const server = await startServer(setup.file);
    cleanups.push(server.stop);
    const [c] = setup.clients;
    if (!c) throw new Error('no client');

    const announced = await partialUpload(server, c, 1024, 50 * 1024 * 1024);
    expect(announced.status, 'Content-Length over the limit').toBe(413);
    expect(JSON.parse(announced.text).error.code).toBe('too_large');

    const streamed = await partialUpload(server, c, 300 * 1024);
    expect(streamed.status, 'chunked body past the limit').toBe(413);
    console.log(
      `body-limit: announced 413 after ${announced.tookMs} ms, streamed 413 after ${streamed.tookMs} ms`,
    );
  });
});

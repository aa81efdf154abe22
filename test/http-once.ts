import { type Agent, request } from 'node:http';

// One plain HTTP request over node:http, for tests about sockets (shutdown, SIGTERM): a new connection
// unless an agent is given, and whether a kept-alive socket was reused.

export type OnceAnswer = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  reused: boolean;
};

export function requestOnce(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; agent?: Agent | false } = {},
): Promise<OnceAnswer> {
  return new Promise((ok, fail) => {
    const req = request(
      url,
      { method: opts.method ?? 'GET', headers: opts.headers, agent: opts.agent ?? false },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => {
          text += d;
        });
        res.on('end', () =>
          ok({ status: res.statusCode ?? 0, headers: res.headers, text, reused: req.reusedSocket }),
        );
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end();
  });
}

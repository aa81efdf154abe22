import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

// A local OpenAI-compatible Chat Completions server for the model drafter's tests: it answers
// POST /v1/chat/completions from a script (one reply per request, the last one repeated) and records every
// request, so a test can check both what Lodestar does with an answer and what it sent.

export type StubReply =
  /** A chat completion whose message content is this text. */
  | { content: string; delayMs?: number }
  /** A chat completion whose content is `{"drafts": [...]}`. */
  | { drafts: unknown[]; delayMs?: number }
  /** Any status and body (an error, a body that is not a chat completion). */
  | { status: number; body: unknown; delayMs?: number };

/** The parts of a Chat Completions request the tests read (the body as sent, when it was JSON). */
export type ChatBody = {
  model?: string;
  messages?: { role: string; content: string }[];
  response_format?: {
    type: string;
    json_schema?: { name?: string; strict?: boolean; schema: JsonSchemaNode };
  };
};
type JsonSchemaNode = { type?: string; properties?: Record<string, JsonSchemaNode>; items?: JsonSchemaNode };

export type StubRequest = { method: string; path: string; headers: IncomingHttpHeaders; body: ChatBody };

export type OpenAiStub = {
  /** The base URL to configure (ends in /v1). */
  baseUrl: string;
  requests: StubRequest[];
  /** Replaces the script: one reply per request, in order, the last repeated. */
  reply(...replies: StubReply[]): void;
  close(): Promise<void>;
};

const completion = (content: string) => ({
  id: 'chatcmpl-stub',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'stub-model',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
});

export async function startOpenAiStub(): Promise<OpenAiStub> {
  let script: StubReply[] = [{ drafts: [] }];
  const requests: StubRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: ChatBody = {};
      try {
        body = JSON.parse(text) as ChatBody;
      } catch {
        // not JSON: recorded as an empty body
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const reply = script[Math.min(requests.length - 1, script.length - 1)] ?? { status: 500, body: {} };
      const send = () => {
        if (res.destroyed) return;
        if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: `No route ${req.method} ${req.url}` } }));
          return;
        }
        const [status, payload] =
          'status' in reply
            ? [reply.status, reply.body]
            : [
                200,
                completion('content' in reply ? reply.content : JSON.stringify({ drafts: reply.drafts })),
              ];
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
      };
      if (reply.delayMs) {
        const timer = setTimeout(send, reply.delayMs);
        res.on('close', () => clearTimeout(timer));
      } else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    reply(...replies) {
      script = replies;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A base URL where nothing listens (a port that was free a moment ago). */
export async function deadBaseUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}

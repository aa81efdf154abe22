import type { LanguageModel } from 'ai';
import type { LlmConfig } from '../config';
import { anyJsonWith, draftsIn, lenientJson, withRule } from './model-answer';
import { buildPrompt, type Prompt } from './prompt';
import type { Drafter, DrafterAnswer } from './types';

// The language-model drafter (issue 6): any OpenAI-compatible Chat Completions endpoint (OpenAI, Ollama, vLLM,
// LM Studio, llama.cpp's server) through the Vercel AI SDK. It asks once, retries once, and answers with raw
// drafts for the pipeline to check with the hypothesis form's own schema — or with a problem in words. It
// never throws: a model that is down must not look like a bug in Lodestar.

type Failure =
  | { kind: 'cancelled' }
  | { kind: 'timeout' }
  | { kind: 'network'; detail: string }
  | { kind: 'status'; status: number; detail: string }
  | { kind: 'unusable' }
  | { kind: 'empty' };
type Attempt = { ok: true; drafts: unknown[] } | { ok: false; failure: Failure };

// The AI SDK is loaded on the first draft, not at start: a server without LODESTAR_LLM_* never loads it, and
// one with a model starts ~0.1 s sooner and some megabytes lighter until someone drafts.
type Sdk = {
  ai: typeof import('ai');
  createOpenAICompatible: typeof import('@ai-sdk/openai-compatible').createOpenAICompatible;
  anyJson: ReturnType<typeof anyJsonWith>;
};
let sdk: Promise<Sdk> | undefined;
function loadSdk(): Promise<Sdk> {
  sdk ??= Promise.all([import('ai'), import('@ai-sdk/openai-compatible')]).then(([ai, compatible]) => ({
    ai,
    createOpenAICompatible: compatible.createOpenAICompatible,
    anyJson: anyJsonWith(ai.jsonSchema),
  }));
  return sdk;
}

/** Worth asking again: the server or the network may do better a moment later. A 4xx will not. */
function retryable(f: Failure): boolean {
  if (f.kind === 'status') return f.status >= 500 || f.status === 429 || f.status === 408;
  return f.kind === 'timeout' || f.kind === 'network' || f.kind === 'unusable';
}

/** The server's own words for an error, short, and never carrying the key. */
function detailOf(body: string | undefined, message: string, secrets: string[]): string {
  let text = message;
  if (body) {
    try {
      const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
      const m =
        typeof parsed.error === 'string'
          ? parsed.error
          : typeof parsed.error?.message === 'string'
            ? parsed.error.message
            : typeof parsed.message === 'string'
              ? parsed.message
              : undefined;
      text = m ?? body;
    } catch {
      text = body;
    }
  }
  for (const secret of secrets) text = text.split(secret).join('…');
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

/** Turns what the SDK threw into a failure we can explain. */
function failureOf(
  { NoObjectGeneratedError, APICallError }: Sdk['ai'],
  e: unknown,
  signal: AbortSignal | undefined,
  timeout: AbortSignal,
  secrets: string[],
): Failure {
  if (signal?.aborted) return { kind: 'cancelled' };
  if (timeout.aborted) return { kind: 'timeout' };
  if (NoObjectGeneratedError.isInstance(e)) return { kind: 'unusable' };
  if (APICallError.isInstance(e)) {
    // A 2xx the SDK could not read (not a chat completion at all) is an unusable answer, not a refusal.
    if (e.statusCode != null && e.statusCode >= 200 && e.statusCode < 300) return { kind: 'unusable' };
    if (e.statusCode != null)
      return { kind: 'status', status: e.statusCode, detail: detailOf(e.responseBody, e.message, secrets) };
    const cause = e.cause instanceof Error ? (e.cause.cause ?? e.cause) : undefined;
    const code = cause && typeof cause === 'object' && 'code' in cause ? String(cause.code) : '';
    return { kind: 'network', detail: code || detailOf(undefined, e.message, secrets) };
  }
  if (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError'))
    return { kind: 'timeout' };
  // fetch refusing the URL itself (credentials in it, a bad scheme) never reached a server.
  if (e instanceof TypeError) return { kind: 'network', detail: detailOf(undefined, e.message, secrets) };
  // Anything else (a malformed response the SDK could not read, an unknown error) is an answer we cannot use.
  return { kind: 'unusable' };
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

/** What must never appear in a problem: the key, and any password written into the base URL. */
function secretsOf(cfg: LlmConfig): string[] {
  const secrets = cfg.apiKey ? [cfg.apiKey] : [];
  try {
    const url = new URL(cfg.baseUrl);
    if (url.password) secrets.push(url.password, decodeURIComponent(url.password));
  } catch {
    // not a URL: nothing hidden in it
  }
  return secrets.filter((s) => s.length > 0);
}

/** The base URL without any user:password@ in it: problems are shown on pages and stored with the run. */
function shownUrl(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    if (!url.username && !url.password) return baseUrl;
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return baseUrl;
  }
}

/** The problem a team member reads when the model could not help. */
export function problemFor(f: Failure, cfg: LlmConfig, tries: number): string {
  const at = `The model at ${shownUrl(cfg.baseUrl)}`;
  const twice = tries > 1 ? ' (tried twice)' : '';
  switch (f.kind) {
    case 'cancelled':
      return 'Drafting was cancelled before the model answered.';
    case 'timeout':
      return `${at} did not answer within ${seconds(cfg.timeoutMs)}${twice}. A local model may need a longer LODESTAR_LLM_TIMEOUT_MS.`;
    case 'network':
      return `${at} could not be reached (${f.detail})${twice}: check LODESTAR_LLM_BASE_URL and that the server is running.`;
    case 'unusable':
      return `${at} answered with no usable JSON${twice}.`;
    case 'empty':
      return `${at} answered with no drafts.`;
    case 'status': {
      const said = f.detail ? ` (“${f.detail}”)` : '';
      if (f.status === 401 || f.status === 403)
        return `${at} answered ${f.status}: check LODESTAR_LLM_API_KEY.${f.detail ? ` It said: “${f.detail}”.` : ''}`;
      if (f.status === 404)
        return `${at} answered 404${said}: check LODESTAR_LLM_BASE_URL (usually ending in /v1) and that LODESTAR_LLM_MODEL “${cfg.model}” exists there.`;
      if (f.status === 429) return `${at} answered 429${said}: too many requests or no quota left${twice}.`;
      if (f.status >= 500) return `${at} answered ${f.status}${said}${twice}.`;
      return `${at} refused the request with ${f.status}${said}.`;
    }
  }
}

/** One question to the model, bounded by the timeout and the caller's signal. */
async function ask(
  { ai, anyJson }: Sdk,
  model: LanguageModel,
  prompt: Prompt,
  cfg: LlmConfig,
  signal: AbortSignal | undefined,
): Promise<Attempt> {
  const timeout = AbortSignal.timeout(cfg.timeoutMs);
  const abortSignal = signal ? AbortSignal.any([timeout, signal]) : timeout;
  try {
    const result = await ai.generateText({
      model,
      system: prompt.system,
      prompt: prompt.prompt,
      output: ai.Output.object({ schema: anyJson, name: 'drafts' }),
      // Retries are ours (one, with a message that says so), not the SDK's three with backoff.
      maxRetries: 0,
      abortSignal,
      // Non-strict json_schema: each provider's strict mode accepts its own subset of JSON Schema, and the
      // pipeline checks every draft anyway; local servers use the schema to guide decoding either way.
      providerOptions: { lodestar: { strictJsonSchema: false } },
    });
    return found(result.output);
  } catch (e) {
    // Output wrapped in a fence or prose is still an answer: read it before asking again.
    if (ai.NoObjectGeneratedError.isInstance(e) && e.text && !signal?.aborted) {
      const salvaged = lenientJson(e.text);
      if (salvaged !== undefined) return found(salvaged);
    }
    return { ok: false, failure: failureOf(ai, e, signal, timeout, secretsOf(cfg)) };
  }
}

function found(value: unknown): Attempt {
  const drafts = draftsIn(value);
  if (!drafts) return { ok: false, failure: { kind: 'unusable' } };
  if (!drafts.length) return { ok: false, failure: { kind: 'empty' } };
  return { ok: true, drafts };
}

function chatModel(sdk: Sdk, cfg: LlmConfig): LanguageModel {
  const provider = sdk.createOpenAICompatible({
    baseURL: cfg.baseUrl,
    name: 'lodestar',
    apiKey: cfg.apiKey,
    // response_format json_schema: understood by OpenAI, Ollama, vLLM, LM Studio and llama.cpp alike (LM
    // Studio refuses json_object), and kinder to small models than tool calls.
    supportsStructuredOutputs: true,
  });
  return provider.chatModel(cfg.model);
}

export function modelDrafter(cfg: LlmConfig): Drafter {
  let model: LanguageModel | undefined;
  return {
    kind: 'model',
    source: cfg.model,
    async draft(ctx, signal): Promise<DrafterAnswer> {
      const loaded = await loadSdk();
      model ??= chatModel(loaded, cfg);
      const prompt = buildPrompt(ctx);
      let tries = 0;
      let last: Failure = { kind: 'unusable' };
      while (tries < 2) {
        tries++;
        const attempt = await ask(loaded, model, prompt, cfg, signal);
        if (attempt.ok)
          return {
            proposals: attempt.drafts.map((d) => withRule(d, cfg.model)),
            problems: [],
            source: cfg.model,
          };
        last = attempt.failure;
        if (!retryable(last)) break;
      }
      return { proposals: [], problems: [problemFor(last, cfg, tries)], source: cfg.model };
    },
  };
}

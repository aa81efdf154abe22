import { z } from 'zod';

const Config = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|libsql:\/\/|https?:\/\/|wss?:\/\/)\S+$/, {
      error: 'DATABASE_URL is file:PATH, or libsql://, https:// (or wss://) for a libSQL server',
    })
    .default('file:./data/lodestar.db'),
  // A libSQL server (sqld, Turso): its token, and for an embedded replica the primary to sync from.
  LIBSQL_AUTH_TOKEN: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
  LODESTAR_REPLICA_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^(libsql|https?|wss?):\/\/\S+$/, {
        error: "LODESTAR_REPLICA_URL is the primary's libsql:// or https:// URL",
      })
      .optional(),
  ),
  LIBSQL_SYNC_INTERVAL: z.coerce.number().int().min(1).max(86_400).default(60),
  // '0' turns the demo workspace off; anything else (or unset) seeds it into an empty database.
  LODESTAR_DEMO: z
    .string()
    .default('1')
    .transform((v) => v !== '0' && v.toLowerCase() !== 'false'),
  LODESTAR_ORIGIN: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^https?:\/\/[^/\s]+$/, {
        error: 'LODESTAR_ORIGIN is scheme://host[:port], e.g. https://lodestar.example.com',
      })
      // Browsers send the origin lower-cased and without a default port; compare against the same form.
      .transform((v) => new URL(v).origin)
      .optional(),
  ),
  // Behind a reverse proxy that sets X-Forwarded-For, '1' makes the sign-in rate limit count the client's
  // address from it; without a proxy the header could be forged, so it is ignored by default.
  LODESTAR_TRUST_PROXY: z
    .string()
    .default('0')
    .transform((v) => v === '1' || v.toLowerCase() === 'true'),
  LOG_LEVEL: z.enum(['info', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(256 * 1024),
  // The model drafter (issue 6): any OpenAI-compatible Chat Completions endpoint. Without a base URL and a
  // model, drafts come from the built-in playbook.
  LODESTAR_LLM_BASE_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^https?:\/\/\S+$/, {
        error: "LODESTAR_LLM_BASE_URL is the endpoint's base URL, e.g. http://localhost:11434/v1",
      })
      .optional(),
  ),
  LODESTAR_LLM_MODEL: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
  LODESTAR_LLM_API_KEY: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
  LODESTAR_LLM_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
  // `npm run bench` only: serve a page's bytes precomputed at /__bench/limit (src/bench-limit.tsx). It hands
  // a stored page to anyone, so it is never for a real server.
  // Rendered pages kept in memory until their workspace changes (src/cache); 0 turns the cache off.
  LODESTAR_PAGE_CACHE_MB: z.coerce
    .number({ error: 'LODESTAR_PAGE_CACHE_MB must be a number of megabytes' })
    .int('LODESTAR_PAGE_CACHE_MB must be a whole number of megabytes')
    .min(0, 'LODESTAR_PAGE_CACHE_MB cannot be negative')
    .max(1024, 'LODESTAR_PAGE_CACHE_MB is at most 1024')
    .default(16),
  LODESTAR_BENCH_LIMIT: z
    .string()
    .default('0')
    .transform((v) => v === '1'),
});
export type Config = z.infer<typeof Config>;

const ConfigChecked = Config.refine((c) => !c.LODESTAR_REPLICA_URL || c.DATABASE_URL.startsWith('file:'), {
  path: ['LODESTAR_REPLICA_URL'],
  error: 'An embedded replica keeps a local copy: set DATABASE_URL to a file: path for it',
});

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // LIBSQL_SYNC_URL is the name libSQL's own docs use; LODESTAR_REPLICA_URL wins when both are set.
  const parsed = ConfigChecked.safeParse({ LODESTAR_REPLICA_URL: env.LIBSQL_SYNC_URL, ...env });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** The model drafter's settings, when both a base URL and a model are configured. */
export function llmConfig(config: Config): LlmConfig | undefined {
  if (!config.LODESTAR_LLM_BASE_URL || !config.LODESTAR_LLM_MODEL) return undefined;
  return {
    baseUrl: config.LODESTAR_LLM_BASE_URL,
    model: config.LODESTAR_LLM_MODEL,
    apiKey: config.LODESTAR_LLM_API_KEY,
    timeoutMs: config.LODESTAR_LLM_TIMEOUT_MS,
  };
}

export type LlmConfig = { baseUrl: string; model: string; apiKey?: string; timeoutMs: number };

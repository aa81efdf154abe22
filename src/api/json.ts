import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

// What every API route shares: the one error shape and reading a JSON body.

export class BadRequestError extends Error {
  readonly status = 400;
  readonly code = 'bad_json';
}

export type ErrorBody = { code: string; message: string; fields?: Record<string, string>; current?: unknown };

export const errorJson = (c: Context, status: ContentfulStatusCode, error: ErrorBody) =>
  c.json({ error }, status);

/**
 * The request body as a JSON object. Requiring the JSON content type also keeps plain HTML forms of other
 * sites from posting here (they cannot send it without a CORS preflight) once sessions exist.
 */
export async function readJson(c: Context): Promise<Record<string, unknown>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i.test(type))
    throw new BadRequestError('Send a JSON object with the header Content-Type: application/json.');
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new BadRequestError('The request body is not valid JSON.');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new BadRequestError('The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

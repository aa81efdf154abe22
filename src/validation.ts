import { z } from 'zod';
import { type FieldErrors, NotFoundError, ValidationError } from './errors';

/** Form fields arrive as strings: a blank one means "not given". */
export const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** Optional number from a form or JSON: blank → undefined; otherwise must be a finite number. */
export const optionalNumber = (message: string, schema: z.ZodNumber = z.number()) =>
  z.preprocess(
    (v) => (v === null ? undefined : blank(v)),
    z.coerce.number({ error: message }).pipe(schema).optional(),
  );

/** Required trimmed text with a readable limit. */
export const text = (label: string, max: number, min = 1) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .min(min, { error: min === 1 ? `${label} is required.` : `${label} needs at least ${min} characters.` })
    .max(max, { error: `${label} must be at most ${max} characters.` });

export const optionalText = (label: string, max: number) =>
  z.preprocess(
    (v) => (v == null ? '' : v),
    z
      .string({ error: `${label} must be text.` })
      .trim()
      .max(max, { error: `${label} must be at most ${max} characters.` }),
  );

/** The first message per field, keyed by the dotted path (what forms show beside each input). */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : '_';
    out[key] ??= issue.message;
  }
  return out;
}

/** Parses or throws a ValidationError (422) carrying each field's message. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrors(result.error));
  return result.data;
}

/** Route ids are positive integers; anything else is an unknown id (404), never a 500. */
export function idParam(raw: string | undefined): number {
  const id = Number(raw);
  if (!/^\d+$/.test(raw ?? '') || !Number.isSafeInteger(id) || id <= 0)
    throw new NotFoundError('There is nothing with that id here.');
  return id;
}

type FormBody = Record<string, string | File | (string | File)[]>;

/**
 * The request's form fields. A body that is not a form at all (a broken multipart upload, a client
 * bug) is bad input: a 422 with a message, not a 500.
 */
export async function readForm(
  c: { req: { parseBody(options?: { all?: boolean }): Promise<FormBody> } },
  options?: { all?: boolean },
): Promise<FormBody> {
  try {
    return await c.req.parseBody(options);
  } catch {
    throw new ValidationError(
      { _: 'The form could not be read. Reload the page and try again.' },
      'The form could not be read. Reload the page and try again.',
    );
  }
}

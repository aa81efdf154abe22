import type { JSONSchema7, jsonSchema } from 'ai';
import { z } from 'zod';
import { ICE_MAX, ICE_MIN } from '../scoring/scores';

// What the model drafter asks a model for, and how it reads the answer (src/drafts/model.ts does the asking).
// The reading is forgiving about the wrapping (a code fence, a renamed key) and strict about nothing else:
// each draft is checked on its own by the pipeline with the hypothesis form's schema.

/**
 * The shape the model is asked for. Fields are typed and described so that servers which constrain decoding
 * to the schema (llama.cpp, Ollama, vLLM) produce the right kinds of values, but nothing here is enforced on
 * the answer: each draft is checked on its own by the pipeline, so one bad draft never sinks the others.
 */
const ModelDraft = z.object({
  title: z.string().describe('Short name of the experiment, unlike every existing title.'),
  change: z.string().describe('If we … (the change).'),
  outcome: z.string().describe('then … will … (the expected outcome on the input metric).'),
  expectedLift: z.number().describe('Expected relative change of the input metric, in percent.'),
  rationale: z.string().describe('because … (why, citing what it builds on).'),
  metricId: z.number().int().describe('Id of one of the input metrics given.'),
  tags: z.array(z.string()).describe('0 to 5 lower-case words.'),
  impact: z.number().int().min(ICE_MIN).max(ICE_MAX),
  confidence: z.number().int().min(ICE_MIN).max(ICE_MAX),
  ease: z.number().int().min(ICE_MIN).max(ICE_MAX),
  reasons: z
    .object({ impact: z.string(), confidence: z.string(), ease: z.string() })
    .describe('One short line per score saying why.'),
  estimatedDays: z.number().describe('Person-days to build and launch.'),
  learningIds: z.array(z.number().int()).describe('Ids of the learnings it builds on.'),
  experimentIds: z.array(z.number().int()).describe('Ids of the past experiments it builds on.'),
  rule: z.string().describe('Short name of where the idea comes from, e.g. "extend-win".'),
});
const ModelAnswer = z.object({ drafts: z.array(ModelDraft) });

/** The JSON schema sent as response_format (without $schema, which some local servers choke on). */
export function answerJsonSchema(): JSONSchema7 {
  const { $schema: _, ...schema } = z.toJSONSchema(ModelAnswer) as Record<string, unknown>;
  return schema as JSONSchema7;
}

/**
 * The schema handed to the SDK, accepting any JSON at its door: the drafts are picked out and checked one by
 * one afterwards. Built with the SDK's own `jsonSchema`, passed in because the SDK is loaded only when a
 * model drafter first asks (src/drafts/model.ts).
 */
export function anyJsonWith(make: typeof jsonSchema) {
  return make<unknown>(answerJsonSchema(), { validate: (value) => ({ success: true, value }) });
}

/**
 * The drafts in a model's answer: `{"drafts": [...]}`, a bare array, or an object whose only list is the
 * drafts (small models rename the key). Undefined when there is no list of drafts at all.
 */
export function draftsIn(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (Array.isArray(record.drafts)) return record.drafts;
  const lists = Object.values(record).filter(Array.isArray);
  if (lists.length === 1) return lists[0];
  // A single draft on its own.
  if (typeof record.title === 'string') return [record];
  return undefined;
}

/**
 * JSON from a model's text even when wrapped: a ```json fence, a <think> block before it, or prose around
 * it. Undefined when nothing parses.
 */
export function lenientJson(text: string): unknown {
  const stripped = text.replace(/<think>[\s\S]*?<\/think>/gi, '').trim();
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(stripped)?.[1];
  const candidates = [stripped, fenced];
  // The outermost object or list, whichever opens first.
  const spans = (
    [
      ['{', '}'],
      ['[', ']'],
    ] as const
  )
    .map(([open, close]) => [stripped.indexOf(open), stripped.lastIndexOf(close)] as const)
    .filter(([from, to]) => from >= 0 && to > from)
    .sort((a, b) => a[0] - b[0]);
  for (const [from, to] of spans) candidates.push(stripped.slice(from, to + 1));
  for (const c of candidates) {
    if (!c) continue;
    try {
      return JSON.parse(c);
    } catch {
      // try the next reading
    }
  }
  return undefined;
}

/** A draft without a rule is credited to the model itself rather than dropped for it. */
export function withRule(draft: unknown, model: string): unknown {
  if (!draft || typeof draft !== 'object' || Array.isArray(draft)) return draft;
  const d = draft as Record<string, unknown>;
  return typeof d.rule === 'string' && d.rule.trim() ? d : { ...d, rule: model };
}

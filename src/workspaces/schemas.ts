import { z } from 'zod';
import { ICE_MODES } from '../../db/schema';
import { blank, optionalText, text } from '../validation';

export const SLUG_MAX = 40;
export const slugPattern = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX)
    .replace(/-+$/, '');
}

const slug = z.preprocess(
  blank,
  z
    .string({ error: 'The address must be text.' })
    .trim()
    .toLowerCase()
    .min(2, { error: 'The address needs at least 2 characters.' })
    .max(SLUG_MAX, { error: `The address is at most ${SLUG_MAX} characters.` })
    .regex(slugPattern, {
      error: 'The address uses lower-case letters, digits and dashes (e.g. growth-team).',
    })
    .optional(),
);

export const WorkspaceInput = z.object({
  name: text('Workspace name', 80),
  slug,
});
export type WorkspaceInput = z.output<typeof WorkspaceInput>;

/** The web form asks for the North Star at the same time: a workspace is about one. */
export const WorkspaceWithNorthStarInput = WorkspaceInput.extend({
  nsmName: text('North Star name', 80),
  nsmDescription: optionalText('Definition of the value moment', 1000),
  nsmUnit: optionalText('Unit', 24),
});

export const SettingsInput = z.object({
  name: text('Workspace name', 80),
  iceMode: z.enum(ICE_MODES, { error: 'ICE is either the mean or the product of the three scores.' }),
});

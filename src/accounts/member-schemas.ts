import { z } from 'zod';
import { ROLES } from '../../db/schema';
import { optionalText } from '../validation';
import { SetupInput } from './schemas';

export const INVITE_NOTE_MAX = 120;

const role = z.enum(ROLES, { error: 'Choose a role: viewer, editor or owner.' });

/** An owner changing a member's role. */
export const RoleInput = z.object({ role });
export type RoleInput = z.output<typeof RoleInput>;

/** A new invite link: editor unless the owner picks otherwise (most people invited do backlog work). */
export const InviteInput = z.object({
  role: role.default('editor'),
  note: optionalText('Who it is for', INVITE_NOTE_MAX),
});
export type InviteInput = z.output<typeof InviteInput>;

/**
 * Someone without an account opening an invite: the same fields and rules as the first owner's account
 * (name, email, a password of at least 10 characters typed twice), so every account meets one standard.
 */
export const JoinInput = SetupInput;
export type JoinInput = z.output<typeof JoinInput>;

import { z } from 'zod';
import { ROLES } from '../../db/schema';
import { EMAIL_MAX, NAME_MAX, PASSWORD_MAX, PASSWORD_MIN, TOKEN_LABEL_MAX } from '../accounts/schemas';

// The command line's inputs, checked with the same limits as the web forms. Messages name the option,
// since that is what the person typed.

const required = (option: string) => ({ error: `${option} is required.` });

const email = z
  .string(required('--email'))
  .trim()
  .toLowerCase()
  .min(1, required('--email'))
  .max(EMAIL_MAX, { error: `--email is at most ${EMAIL_MAX} characters.` })
  .pipe(z.email({ error: '--email must be an email address, e.g. ada@example.com.' }));

// Taken exactly as typed, as on the web: spaces count.
const password = z
  .string(required('--password'))
  .min(PASSWORD_MIN, { error: `--password needs at least ${PASSWORD_MIN} characters.` })
  .max(PASSWORD_MAX, { error: `--password is at most ${PASSWORD_MAX} characters.` });

const name = z
  .string(required('--name'))
  .trim()
  .min(1, required('--name'))
  .max(NAME_MAX, { error: `--name is at most ${NAME_MAX} characters.` });

const id = z
  .string()
  .regex(/^\d{1,15}$/, { error: '--id is a token number, as `token list` shows it.' })
  .transform(Number)
  .pipe(z.number().int().positive({ error: '--id is a token number, as `token list` shows it.' }));

export const UserAdd = z.object({ email, name, password, owner: z.boolean().default(false) });

export const UserResetPassword = z.object({ email, password: password.optional() });

export const MemberAdd = z.object({
  workspace: z
    .string(required('--workspace'))
    .trim()
    .toLowerCase()
    .min(1, required('--workspace'))
    .max(100, { error: '--workspace is a workspace address (slug), e.g. growth-team.' }),
  email,
  role: z.enum(ROLES, { error: `--role is one of ${ROLES.join(', ')}.` }),
});

export const TokenCreate = z.object({
  email,
  name: z
    .string()
    .trim()
    .min(1, { error: '--name, when given, must not be blank.' })
    .max(TOKEN_LABEL_MAX, { error: `--name is at most ${TOKEN_LABEL_MAX} characters.` })
    .default('command line'),
});

export const TokenList = z.object({ email });

export const TokenRevoke = z
  .object({
    id: id.optional(),
    token: z.string().trim().min(1, { error: '--token must not be blank.' }).max(200).optional(),
  })
  .refine((v) => (v.id === undefined) !== (v.token === undefined), {
    error: 'Give exactly one of --id or --token.',
  });

export const NoOptions = z.object({});

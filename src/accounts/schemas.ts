import { z } from 'zod';
import { optionalText, text } from '../validation';

export const NAME_MAX = 80;
// RFC 5321 caps a forward path at 256 octets including the angle brackets.
export const EMAIL_MAX = 254;
// Length is what makes a password hard to guess; NIST 800-63B asks for at least 8, we ask a little more.
export const PASSWORD_MIN = 10;
// scrypt takes any length, but a megabyte "password" is a denial of service, not a secret.
export const PASSWORD_MAX = 200;
export const TOKEN_LABEL_MAX = 60;

const email = z
  .string({ error: 'Email is required.' })
  .trim()
  .toLowerCase()
  .min(1, { error: 'Email is required.' })
  .max(EMAIL_MAX, { error: `An email address is at most ${EMAIL_MAX} characters.` })
  .pipe(z.email({ error: 'Enter an email address like name@example.com.' }));

// Passwords are taken exactly as typed: spaces are allowed and count (passphrases are welcome).
const newPassword = z
  .string({ error: 'Choose a password.' })
  .min(1, { error: 'Choose a password.' })
  .min(PASSWORD_MIN, {
    error: `Use at least ${PASSWORD_MIN} characters; a few unrelated words make a strong, memorable password.`,
  })
  .max(PASSWORD_MAX, { error: `A password is at most ${PASSWORD_MAX} characters.` });

const confirm = z.string({ error: 'Type the password again.' });

const matching = <T extends { password: string; confirm: string }>(v: T) => v.password === v.confirm;
const MISMATCH = { error: 'The two passwords are not the same. Type them again.', path: ['confirm'] };

/** The first run's form: the first server owner. */
export const SetupInput = z
  .object({ name: text('Your name', NAME_MAX), email, password: newPassword, confirm })
  .refine(matching, MISMATCH);
export type SetupInput = z.output<typeof SetupInput>;

/**
 * Signing in checks only that something was typed: the length rule is for new passwords, and an account
 * whose password predates a stricter rule must still be able to sign in.
 */
export const LoginInput = z.object({
  email,
  password: z
    .string({ error: 'Enter your password.' })
    .min(1, { error: 'Enter your password.' })
    .max(PASSWORD_MAX, { error: `A password is at most ${PASSWORD_MAX} characters.` }),
  next: optionalText('Next page', 2000),
});
export type LoginInput = z.output<typeof LoginInput>;

export const PasswordChangeInput = z
  .object({
    current: z
      .string({ error: 'Enter your current password.' })
      .min(1, { error: 'Enter your current password.' })
      .max(PASSWORD_MAX, { error: `A password is at most ${PASSWORD_MAX} characters.` }),
    password: newPassword,
    confirm,
  })
  .refine(matching, MISMATCH);
export type PasswordChangeInput = z.output<typeof PasswordChangeInput>;

export const TokenInput = z.object({ label: text('Label', TOKEN_LABEL_MAX) });
export type TokenInput = z.output<typeof TokenInput>;

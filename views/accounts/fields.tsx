import { EMAIL_MAX, NAME_MAX, PASSWORD_MAX, PASSWORD_MIN } from '../../src/accounts/schemas';
import { type FormState, Input } from '../components/form';

// The fields of a new account and of a new password: the same wherever someone chooses one (first run,
// invite sign-up, password change), so the rules and the password-manager hints cannot drift apart.

/** A new password and its confirmation; `label` says which (e.g. "New password"). */
export function NewPasswordFields(props: { state: FormState; label?: string }) {
  const label = props.label ?? 'Password';
  return (
    <>
      <Input
        name="password"
        label={label}
        type="password"
        state={props.state}
        autocomplete="new-password"
        required
        minLength={PASSWORD_MIN}
        maxLength={PASSWORD_MAX}
        hint={`At least ${PASSWORD_MIN} characters. A few unrelated words are strong and easy to remember.`}
      />
      <Input
        name="confirm"
        label={`${label} again`}
        type="password"
        state={props.state}
        autocomplete="new-password"
        required
        maxLength={PASSWORD_MAX}
      />
    </>
  );
}

/** Name, email and a new password: everything an account is made of. */
export function NewAccountFields(props: { state: FormState; autofocus?: boolean }) {
  return (
    <>
      <Input
        name="name"
        label="Your name"
        state={props.state}
        autocomplete="name"
        required
        maxLength={NAME_MAX}
        autofocus={props.autofocus}
        hint="Shown to your team next to the changes you make."
      />
      <Input
        name="email"
        label="Email"
        type="email"
        state={props.state}
        autocomplete="email"
        required
        maxLength={EMAIL_MAX}
        hint="You sign in with it."
      />
      <NewPasswordFields state={props.state} />
    </>
  );
}

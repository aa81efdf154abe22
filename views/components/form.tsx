import type { Child } from 'hono/jsx';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { FieldErrors } from '../../src/errors';

// Form pieces that put each message beside its field and tie it to the input for screen readers.

export type FormState = { values: Record<string, string>; errors: FieldErrors };
export const emptyForm = (values: Record<string, string> = {}): FormState => ({ values, errors: {} });

type Base = {
  name: string;
  label: Child;
  state: FormState;
  hint?: Child;
  required?: boolean;
  id?: string;
  class?: string;
};

const fieldId = (p: { id?: string; name: string }) => p.id ?? `f-${p.name}`;

/** What every control gets: its id and name, and which hint and error describe it. */
type ControlAttrs = {
  id: string;
  name: string;
  required?: boolean;
  'aria-invalid'?: 'true';
  'aria-describedby'?: string;
};

/** The label, the control and its hint and error message: the shell every field shares. */
function Field(props: Base & { control: (attrs: ControlAttrs) => JSX.Element }) {
  const id = fieldId(props);
  const error = props.state.errors[props.name];
  const described = [props.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={`field ${props.class ?? ''} ${error ? 'has-error' : ''}`}>
      <label for={id}>
        {props.label}
        {props.required ? <span class="req"> (required)</span> : null}
      </label>
      {props.control({
        id,
        name: props.name,
        required: props.required,
        'aria-invalid': error ? 'true' : undefined,
        'aria-describedby': described || undefined,
      })}
      {props.hint ? (
        <small class="hint" id={`${id}-hint`}>
          {props.hint}
        </small>
      ) : null}
      {error ? (
        <small class="field-error" id={`${id}-error`}>
          {error}
        </small>
      ) : null}
    </div>
  );
}

export function Input(
  props: Base & {
    type?: 'text' | 'number' | 'search' | 'email' | 'password';
    /** Lets password managers fill the right field (and offer a new password where one is chosen). */
    autocomplete?: 'name' | 'email' | 'username' | 'current-password' | 'new-password' | 'off';
    maxLength?: number;
    minLength?: number;
    min?: number;
    max?: number;
    step?: string;
    placeholder?: string;
    autofocus?: boolean;
  },
) {
  return (
    <Field
      {...props}
      control={(attrs) => (
        <input
          {...attrs}
          type={props.type ?? 'text'}
          // A password is never sent back into the page, not even after a refused submit.
          value={props.type === 'password' ? undefined : (props.state.values[props.name] ?? '')}
          autocomplete={props.autocomplete}
          spellcheck={props.type === 'password' || props.type === 'email' ? false : undefined}
          maxlength={props.maxLength}
          minlength={props.minLength}
          min={props.min}
          max={props.max}
          step={props.step}
          placeholder={props.placeholder}
          autofocus={props.autofocus}
        />
      )}
    />
  );
}

export function TextArea(props: Base & { maxLength?: number; rows?: number; placeholder?: string }) {
  return (
    <Field
      {...props}
      control={(attrs) => (
        <textarea
          {...attrs}
          rows={props.rows ?? 3}
          maxlength={props.maxLength}
          placeholder={props.placeholder}
        >
          {props.state.values[props.name] ?? ''}
        </textarea>
      )}
    />
  );
}

export function Select(
  props: Base & {
    options: { value: string; label: string }[];
    placeholder?: string;
    attrs?: Record<string, string>;
  },
) {
  const current = props.state.values[props.name] ?? '';
  return (
    <Field
      {...props}
      control={(attrs) => (
        <select {...attrs} {...(props.attrs ?? {})}>
          {props.placeholder !== undefined ? <option value="">{props.placeholder}</option> : null}
          {props.options.map((o) => (
            <option value={o.value} selected={o.value === current}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    />
  );
}

/** A summary at the top of a form that failed, listing what to fix (the fields carry the details). */
export function ErrorSummary(props: { state: FormState; message?: string }) {
  const entries = Object.entries(props.state.errors);
  if (entries.length === 0 && !props.message) return null;
  return (
    <div class="alert error" role="alert">
      <strong>{props.message ?? 'Please fix the highlighted fields.'}</strong>
      {entries.length ? (
        <ul>
          {entries.map(([name, msg]) => (
            <li>
              <a href={`#f-${name}`}>{msg}</a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** Form bodies as plain strings (the first value of each key), to re-render what the user typed. */
export function formValues(body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') out[k] = first;
  }
  return out;
}

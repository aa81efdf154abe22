import { type Context, Hono } from 'hono';
import type { User } from '../../db/schema';
import { AccountPage, type AccountProps } from '../../views/accounts/account';
import { LoginPage } from '../../views/accounts/login';
import { SetupPage } from '../../views/accounts/setup';
import { emptyForm, type FormState, formValues } from '../../views/components/form';
import { personalTrail } from '../audit/audit';
import type { AppEnv, Deps } from '../env';
import { ConflictError, ValidationError } from '../errors';
import { idParam, parse, readForm } from '../validation';
import {
  clearSessionCookie,
  clientAddress,
  readSessionId,
  safeNext,
  setSessionCookie,
  signedIn,
} from './auth';
import { dummyHash, verifyPassword } from './passwords';
import { LoginLimiter, limitMessage } from './rate-limit';
import { LoginInput, PasswordChangeInput, SetupInput, TokenInput } from './schemas';
import { createSession, endAllSessions, endSession } from './sessions';
import { createToken, listTokens, revokeToken } from './tokens';
import { countUsers, findUserByEmail, normalEmail, setPassword, setupFirstOwner } from './users';

// Form values that are never echoed back into a page.
const SECRET_FIELDS = ['password', 'confirm', 'current'];
const echo = (body: Record<string, unknown>): Record<string, string> => {
  const values = formValues(body);
  for (const k of SECRET_FIELDS) delete values[k];
  return values;
};

const REFUSED_LOGIN = 'That email and password do not match an account.';

export function accountRoutes(deps: Deps) {
  const { db } = deps;
  const app = new Hono<AppEnv>();
  // One per app: the counts must outlive a request, and two apps (tests) must not share them.
  const limiter = deps.loginLimiter ?? new LoginLimiter();

  /** A fresh session for this browser, replacing the one its cookie names (if any). */
  const startSession = async (c: Context<AppEnv>, userId: number) => {
    const old = readSessionId(c, deps.origin);
    if (old) await endSession(db, old);
    setSessionCookie(c, await createSession(db, userId), deps.origin);
  };

  // ---- First run

  app.get('/setup', async (c) => {
    if ((await countUsers(db)) > 0) return c.redirect(c.get('user') ? '/' : '/login', 303);
    return c.html(<SetupPage form={emptyForm()} />);
  });

  app.post('/setup', async (c) => {
    if ((await countUsers(db)) > 0)
      throw new ConflictError('Lodestar is already set up; sign in instead.', 'conflict');
    const body = await readForm(c);
    let input: SetupInput;
    try {
      input = parse(SetupInput, body);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return c.html(<SetupPage form={{ values: echo(body), errors: e.fields }} />, 422);
    }
    const user = await setupFirstOwner(db, input, deps.scrypt);
    await startSession(c, user.id);
    return c.redirect('/', 303);
  });

  // ---- Signing in and out

  app.get('/login', (c) => {
    if (c.get('user')) return c.redirect('/', 303);
    // Computed now, not on the first unknown email: that answer would otherwise take twice as long.
    void dummyHash(deps.scrypt).catch(() => undefined);
    return c.html(<LoginPage form={emptyForm({ next: c.req.query('next') ?? '' })} />);
  });

  app.post('/login', async (c) => {
    const body = await readForm(c);
    const values = echo(body);
    let input: LoginInput;
    try {
      input = parse(LoginInput, body);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return c.html(<LoginPage form={{ values, errors: e.fields }} />, 422);
    }
    const email = normalEmail(input.email);
    const address = clientAddress(c, deps.trustProxy);
    // Checked (and counted) before any hash is computed: a limited client costs the server nothing.
    const verdict = limiter.attempt(email, address);
    if (verdict.limited) {
      c.header('Retry-After', String(Math.ceil(verdict.retryAfterMs / 1000)));
      return c.html(<LoginPage form={emptyForm(values)} refused={limitMessage(verdict)} />, 429);
    }
    const user = await findUserByEmail(db, email);
    // An unknown email is checked against a dummy hash of the same cost, so both refusals take as long.
    const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyHash(deps.scrypt)));
    if (!user || !ok) return c.html(<LoginPage form={emptyForm(values)} refused={REFUSED_LOGIN} />, 401);
    limiter.succeeded(email, address);
    // A new id at every sign-in: an id planted in the browser before (session fixation) never gets rights.
    await startSession(c, user.id);
    return c.redirect(safeNext(input.next), 303);
  });

  app.post('/logout', async (c) => {
    const sid = c.get('sessionId');
    if (sid) await endSession(db, sid);
    clearSessionCookie(c, deps.origin);
    return c.redirect('/login', 303);
  });

  // ---- The account page

  const page = async (
    c: Context<AppEnv>,
    user: User,
    parts: Partial<Pick<AccountProps, 'passwordForm' | 'tokenForm' | 'created' | 'saved' | 'refused'>> = {},
  ) => {
    const [tokens, trail] = await Promise.all([listTokens(db, user.id), personalTrail(db, user.id, 10)]);
    return (
      <AccountPage
        user={user}
        tokens={tokens}
        trail={trail}
        passwordForm={parts.passwordForm ?? emptyForm()}
        tokenForm={parts.tokenForm ?? emptyForm()}
        created={parts.created}
        saved={parts.saved}
        refused={parts.refused}
        apiBase={deps.origin ?? new URL(c.req.url).origin}
      />
    );
  };

  app.get('/account', async (c) => c.html(await page(c, signedIn(c), { saved: c.req.query('saved') })));

  app.post('/account/password', async (c) => {
    const user = signedIn(c);
    const body = await readForm(c);
    const invalid = (errors: FormState['errors']) => page(c, user, { passwordForm: { values: {}, errors } });
    let input: PasswordChangeInput;
    try {
      input = parse(PasswordChangeInput, body);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return c.html(await invalid(e.fields), 422);
    }
    // Someone at an unlocked, signed-in computer must not get to guess the password at leisure either.
    const address = clientAddress(c, deps.trustProxy);
    const verdict = limiter.attempt(user.email, address);
    if (verdict.limited) {
      c.header('Retry-After', String(Math.ceil(verdict.retryAfterMs / 1000)));
      return c.html(await page(c, user, { refused: limitMessage(verdict) }), 429);
    }
    if (!(await verifyPassword(input.current, user.passwordHash)))
      return c.html(await invalid({ current: 'That is not your current password.' }), 422);
    limiter.succeeded(user.email, address);
    // Ends every session of the user, this one included; this browser then gets a fresh one.
    await setPassword(db, user.id, input.password, deps.scrypt);
    setSessionCookie(c, await createSession(db, user.id), deps.origin);
    return c.redirect('/account?saved=password', 303);
  });

  app.post('/account/sessions/end', async (c) => {
    await endAllSessions(db, signedIn(c).id);
    clearSessionCookie(c, deps.origin);
    return c.redirect('/login', 303);
  });

  app.post('/account/tokens', async (c) => {
    const user = signedIn(c);
    const body = await readForm(c);
    let input: TokenInput;
    try {
      input = parse(TokenInput, body);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return c.html(await page(c, user, { tokenForm: { values: formValues(body), errors: e.fields } }), 422);
    }
    const { token, info } = await createToken(db, user.id, input.label);
    // The only response that ever holds the token: no redirect (it would have to carry it in the URL),
    // and nothing may keep a copy of the page.
    c.header('Cache-Control', 'no-store');
    return c.html(await page(c, user, { created: { token, label: info.label } }), 201);
  });

  app.post('/account/tokens/:id/revoke', async (c) => {
    await revokeToken(db, signedIn(c).id, idParam(c.req.param('id')));
    return c.redirect('/account?saved=revoked', 303);
  });

  return app;
}

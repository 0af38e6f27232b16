import { request as httpRequest } from 'node:http';
import { startTestServer, type TestServer } from '../../test/server';
import { buildMember, FACTORY_PASSWORD } from '../../test/factories';
import { Member } from './member.entity';

const SIGN_UP = `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { accessToken refreshToken member { id email displayName role } } }`;
const LOG_IN = `mutation LogIn($input: LogInInput!) { logIn(input: $input) { accessToken refreshToken member { id email } } }`;
const REFRESH = `mutation Refresh($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }`;
const LOG_OUT = `mutation LogOut($t: String!) { logOut(refreshToken: $t) }`;
const ME = `{ me { id email } }`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ rateLimits: { signUpsPerIp: { points: 1000, durationSeconds: 3600 } } });
});
afterAll(() => server.stop());

/** logIn over HTTP from a given loopback source address (Linux routes all of 127.0.0.0/8 to lo). */
function logInFrom(localAddress: string, input: { email: string; password: string }): Promise<{ data?: any; errors?: any[] }> {
  const url = new URL(server.hearth.url);
  const body = JSON.stringify({ query: LOG_IN, variables: { input } });
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve(JSON.parse(text)));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const uniqueEmail = (label: string) => `${label}-${Math.random().toString(36).slice(2, 10)}@Example.test`;

describe('signUp and logIn', () => {
  it('signs up, then logs in with the same email in any case, and the access token authenticates', async () => {
    const email = uniqueEmail('ada');
    const signUp = await server.gql(SIGN_UP, { input: { email, password: 'correct horse battery', displayName: 'Ada', company: 'Acme' } });
    expect(signUp.errors).toBeUndefined();
    expect(signUp.data!.signUp.member).toMatchObject({ email: email.toLowerCase(), displayName: 'Ada', role: 'MEMBER' });

    const logIn = await server.gql(LOG_IN, { input: { email: email.toUpperCase(), password: 'correct horse battery' } });
    expect(logIn.data!.logIn.member.id).toBe(signUp.data!.signUp.member.id);
    const me = await server.gql(ME, {}, { token: logIn.data!.logIn.accessToken });
    expect(me.data!.me.id).toBe(signUp.data!.signUp.member.id);
  });

  it('takes the language and time zone at sign-up (the browser’s), checked like updateProfile’s, else the community’s', async () => {
    const withLocale = `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { member { locale timeZone } } }`;
    const french = await server.gql(withLocale, {
      input: { email: uniqueEmail('fr'), password: 'long enough pw', displayName: 'Léa', locale: 'fr', timeZone: 'europe/paris' },
    });
    expect(french.data!.signUp.member).toEqual({ locale: 'fr', timeZone: 'Europe/Paris' });
    const plain = await server.gql(withLocale, { input: { email: uniqueEmail('en'), password: 'long enough pw', displayName: 'Ann' } });
    expect(plain.data!.signUp.member).toEqual({ locale: 'en', timeZone: 'UTC' });

    const email = uniqueEmail('bad-zone');
    const refused = await server.gql(withLocale, {
      input: { email, password: 'long enough pw', displayName: 'X', timeZone: 'Mars/Olympus' },
    });
    expect(refused.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { timeZone: expect.any(String) } });
    expect(await server.em().count(Member, { email })).toBe(0);
  });

  it('refuses a duplicate email (case-insensitive) with CONFLICT', async () => {
    const email = uniqueEmail('dup');
    await server.gql(SIGN_UP, { input: { email, password: 'long enough pw', displayName: 'One' } });
    const again = await server.gql(SIGN_UP, { input: { email: email.toUpperCase(), password: 'long enough pw', displayName: 'Two' } });
    expect(again.errors![0].extensions).toMatchObject({ code: 'CONFLICT', fields: { email: 'already registered' } });
  });

  it('refuses a weak password and a malformed email with BAD_USER_INPUT naming both fields', async () => {
    const result = await server.gql(SIGN_UP, { input: { email: 'not-an-email', password: 'short', displayName: 'X' } });
    expect(result.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(Object.keys(result.errors![0].extensions!.fields).sort()).toEqual(['email', 'password']);
    expect(result.errors![0].extensions!.fields.password).toMatch(/at least 10 characters/);
  });

  it('refuses a display name of spaces only, which would be stored empty', async () => {
    const result = await server.gql(SIGN_UP, { input: { email: uniqueEmail('blank'), password: 'long enough pw', displayName: ' \t ' } });
    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { displayName: 'must not be empty' } });
  });

  it('gives the same UNAUTHENTICATED message for a wrong password and an unknown email', async () => {
    const member = await buildMember(server.em());
    const wrong = await server.gql(LOG_IN, { input: { email: member.email, password: 'wrong password!' } });
    const unknown = await server.gql(LOG_IN, { input: { email: uniqueEmail('ghost'), password: 'whatever123' } });
    expect(wrong.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(unknown.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(wrong.errors![0].message).toBe(unknown.errors![0].message);
  });

  it('rate limits repeated failed logins for one email with RATE_LIMITED and a retry-after', async () => {
    const member = await buildMember(server.em());
    for (let i = 0; i < 10; i++) {
      const failed = await server.gql(LOG_IN, { input: { email: member.email, password: `wrong-password-${i}` } });
      expect(failed.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    }
    const limited = await server.gql(LOG_IN, { input: { email: member.email, password: FACTORY_PASSWORD } });
    expect(limited.errors![0].extensions!.code).toBe('RATE_LIMITED');
    expect(limited.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('locks failed logins per email and address: the owner on another address still gets in', async () => {
    const member = await buildMember(server.em());
    for (let i = 0; i < 10; i++) {
      const failed = await logInFrom('127.0.0.1', { email: member.email, password: `wrong-password-${i}` });
      expect(failed.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    }
    // The guesser's address is locked for this email, even with the right password...
    expect((await logInFrom('127.0.0.1', { email: member.email, password: FACTORY_PASSWORD })).errors![0].extensions!.code).toBe(
      'RATE_LIMITED',
    );
    // ...and the owner, elsewhere, is not.
    const owner = await logInFrom('127.0.0.2', { email: member.email, password: FACTORY_PASSWORD });
    expect(owner.errors).toBeUndefined();
    expect(owner.data!.logIn.member.id).toBe(member.id);
  });

  it('rate limits failed logins from one IP across many emails', async () => {
    const limited = await startTestServer({ rateLimits: { loginFailuresPerIp: { points: 3, durationSeconds: 3600 } } });
    try {
      for (let i = 0; i < 3; i++) {
        const failed = await limited.gql(LOG_IN, { input: { email: uniqueEmail(`spray${i}`), password: 'wrong-password-1' } });
        expect(failed.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
      }
      const member = await buildMember(limited.em());
      const blocked = await limited.gql(LOG_IN, { input: { email: member.email, password: FACTORY_PASSWORD } });
      expect(blocked.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    } finally {
      await limited.stop();
    }
  });
});

describe('sessions', () => {
  async function logIn() {
    const member = await buildMember(server.em());
    const result = await server.gql(LOG_IN, { input: { email: member.email, password: FACTORY_PASSWORD } });
    return result.data!.logIn as { accessToken: string; refreshToken: string };
  }

  it('rotates the refresh token: the new one works, the old one stops working', async () => {
    const first = await logIn();
    const rotated = await server.gql(REFRESH, { t: first.refreshToken });
    const second = rotated.data!.refreshSession;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await server.gql(ME, {}, { token: second.accessToken })).data!.me).toBeTruthy();
    const third = await server.gql(REFRESH, { t: second.refreshToken });
    expect(third.errors).toBeUndefined();
  });

  it('gives concurrent refreshes with one token (two tabs, a retry) the same new pair within the grace window', async () => {
    const first = await logIn();
    const [a, b] = await Promise.all([server.gql(REFRESH, { t: first.refreshToken }), server.gql(REFRESH, { t: first.refreshToken })]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    expect(b.data!.refreshSession).toEqual(a.data!.refreshSession);
    server.clock.advance({ seconds: 29 });
    const late = await server.gql(REFRESH, { t: first.refreshToken });
    expect(late.data!.refreshSession).toEqual(a.data!.refreshSession);
    // The family is intact: the pair handed out works and rotates on.
    expect((await server.gql(ME, {}, { token: a.data!.refreshSession.accessToken })).data!.me).toBeTruthy();
    const next = await server.gql(REFRESH, { t: a.data!.refreshSession.refreshToken });
    expect(next.errors).toBeUndefined();
    // Once that pair was itself rotated, the old token is reuse even inside the window.
    const stale = await server.gql(REFRESH, { t: first.refreshToken });
    expect(stale.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect((await server.gql(REFRESH, { t: next.data!.refreshSession.refreshToken })).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('revokes the whole family when a rotated token is presented again after the grace window (reuse detection)', async () => {
    const first = await logIn();
    const second = (await server.gql(REFRESH, { t: first.refreshToken })).data!.refreshSession;
    server.clock.advance({ seconds: 31 });
    const reuse = await server.gql(REFRESH, { t: first.refreshToken });
    expect(reuse.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    // The legitimate holder's newer token is revoked too.
    const afterReuse = await server.gql(REFRESH, { t: second.refreshToken });
    expect(afterReuse.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('treats any second use as reuse when REFRESH_TOKEN_GRACE is 0', async () => {
    const strict = await startTestServer({ env: { REFRESH_TOKEN_GRACE: '0' } });
    try {
      const member = await buildMember(strict.em());
      const login = (await strict.gql(LOG_IN, { input: { email: member.email, password: FACTORY_PASSWORD } })).data!.logIn;
      const second = (await strict.gql(REFRESH, { t: login.refreshToken })).data!.refreshSession;
      expect((await strict.gql(REFRESH, { t: login.refreshToken })).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
      expect((await strict.gql(REFRESH, { t: second.refreshToken })).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    } finally {
      await strict.stop();
    }
  });

  it('logs out: the refresh token no longer refreshes', async () => {
    const session = await logIn();
    expect((await server.gql(LOG_OUT, { t: session.refreshToken })).data!.logOut).toBe(true);
    const refresh = await server.gql(REFRESH, { t: session.refreshToken });
    expect(refresh.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('rejects an expired access token after 15 minutes', async () => {
    const session = await logIn();
    server.clock.advance({ minutes: 15, seconds: 1 });
    const me = await server.gql(ME, {}, { token: session.accessToken });
    expect(me.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(me.errors![0].message).toMatch(/expired/);
  });

  it('rejects garbage refresh tokens without an internal error', async () => {
    const shapedLikeOne = ['-'.repeat(36), 'a'.repeat(36)].map((id) => `${id}.aaaaaaaaaaaaaaaaaaaaaaaa`);
    for (const token of ['', 'nope', '00000000-0000-0000-0000-000000000000.aaaaaaaaaaaaaaaaaaaaaaaa', ...shapedLikeOne]) {
      const result = await server.gql(REFRESH, { t: token });
      expect({ token, code: result.errors![0].extensions!.code }).toEqual({ token, code: 'UNAUTHENTICATED' });
      // Logging out with a token that names no session does nothing, and says so with no error.
      expect(await server.gql(LOG_OUT, { t: token })).toEqual(expect.objectContaining({ data: { logOut: true } }));
    }
  });
});

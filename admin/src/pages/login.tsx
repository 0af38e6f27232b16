import { useState, type FormEvent } from 'react';
import { messageOf } from '../api/hearth';
import { ConsoleRefused, logIn } from '../api/session';

/** Email and password; Enter submits (it is a form). A member who is not an admin is told why they cannot enter. */
export function LoginPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await logIn(email, password);
    } catch (failure) {
      setError(failure instanceof ConsoleRefused ? failure.message : messageOf(failure));
      setPending(false);
    }
  };
  return (
    <main id="main" className="login">
      <h1>Hearth admin</h1>
      <p>Log in with your admin account.</p>
      <form onSubmit={submit} aria-describedby={error ? 'login-error' : undefined}>
        <label htmlFor="email">Email</label>
        <input id="email" type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.target.value)} />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        {error ? (
          <p id="login-error" className="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={pending}>
          {pending ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}

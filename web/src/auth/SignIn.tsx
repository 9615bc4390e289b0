import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useUiConfig } from '../app/uiConfig';
import { signInWithApiKey } from './session';

/** Shown when the server asks for a credential: an API key pasted once (OIDC when the server offers it). */
export function SignIn({ reason }: { reason: string }) {
  const [key, setKey] = useState('');
  const client = useQueryClient();
  const config = useUiConfig();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!key.trim()) return;
    signInWithApiKey(key.trim());
    void client.invalidateQueries();
  };
  return (
    <main className="page sign-in">
      <section className="card" aria-label="Sign in">
        <h1>Sign in</h1>
        <p className="muted">{reason}</p>
        {config?.auth?.methods.includes('apiKey') !== false && (
          <form onSubmit={submit}>
            <label>
              <span>API key</span>
              <input type="password" name="apiKey" value={key} onChange={(e) => setKey(e.target.value)} autoComplete="off" />
            </label>
            <button type="submit" className="primary">
              Use this key
            </button>
            <p className="muted">The key is kept in this browser until you sign out.</p>
          </form>
        )}
      </section>
    </main>
  );
}

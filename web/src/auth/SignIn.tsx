import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useUiConfig } from '../app/uiConfig';
import { signInWithApiKey } from './session';

/**
 * Shown when the server asks for a credential: an API key (or an OIDC access token from the organisation's
 * identity provider) pasted once. A browser sign-in through the provider (authorization code with PKCE) needs a
 * public client id in the server's config, which it does not have yet.
 */
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
        {(

          <form onSubmit={submit}>
            <label>
              <span>{config?.auth?.methods.includes('accessToken') ? 'API key or access token' : 'API key'}</span>
              <input type="password" name="apiKey" value={key} onChange={(e) => setKey(e.target.value)} autoComplete="off" />
            </label>
            <button type="submit" className="primary">
              Use this key
            </button>
            <p className="muted">It is sent as Authorization: Bearer and kept in this browser until you sign out.</p>
          </form>
        )}
      </section>
    </main>
  );
}

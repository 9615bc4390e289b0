import { useSyncExternalStore } from 'react';

/**
 * The caller's credential for /graphql (and /export, /tail): an API key pasted once (kept in this browser's local
 * storage) or an OIDC access token (kept for the tab's session only). The demo needs neither.
 */
export type Credential = { kind: 'apiKey'; key: string } | { kind: 'oidc'; accessToken: string; expiresAt: number; idToken?: string };

const API_KEY = 'auditgraph.apiKey';
const TOKEN = 'auditgraph.oidc';

interface AuthState {
  credential: Credential | null;
  /** set when the server refused the request for want of a (valid) credential */
  required: string | null;
}

let state: AuthState = { credential: load(), required: null };
const listeners = new Set<() => void>();

function load(): Credential | null {
  try {
    const key = localStorage.getItem(API_KEY);
    if (key) return { kind: 'apiKey', key };
    const token = sessionStorage.getItem(TOKEN);
    if (token) {
      const c = JSON.parse(token) as Credential;
      if (c.kind === 'oidc' && c.expiresAt > Date.now()) return c;
    }
  } catch {
    // storage unavailable (private mode): no saved credential
  }
  return null;
}

function set(next: Partial<AuthState>): void {
  state = { ...state, ...next };
  listeners.forEach((l) => l());
}

export function authHeaders(): Record<string, string> {
  const c = state.credential;
  if (!c) return {};
  return { authorization: `Bearer ${c.kind === 'apiKey' ? c.key : c.accessToken}` };
}

export function useAuth(): AuthState {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => state,
  );
}

export function onUnauthenticated(message: string): void {
  if (state.required !== message) set({ required: message });
}

export function signInWithApiKey(key: string): void {
  localStorage.setItem(API_KEY, key);
  sessionStorage.removeItem(TOKEN);
  set({ credential: { kind: 'apiKey', key }, required: null });
}

export function signInWithToken(accessToken: string, expiresInS: number, idToken?: string): void {
  const c: Credential = { kind: 'oidc', accessToken, expiresAt: Date.now() + expiresInS * 1000, idToken };
  sessionStorage.setItem(TOKEN, JSON.stringify(c));
  localStorage.removeItem(API_KEY);
  set({ credential: c, required: null });
}

export function signOut(): void {
  localStorage.removeItem(API_KEY);
  sessionStorage.removeItem(TOKEN);
  set({ credential: null });
}

import type * as http from 'node:http';
import type { AuthRefusal } from './authenticate';

/** A refusal as GraphQL over HTTP answers it: the status, the challenge, and one error with its code. */
export function sendRefusal(res: http.ServerResponse, refusal: AuthRefusal): void {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  if (refusal.challenge) headers['www-authenticate'] = refusal.challenge;
  if (refusal.status === 503) headers['retry-after'] = '10';
  res.writeHead(refusal.status, headers);
  res.end(JSON.stringify({ errors: [{ message: refusal.message, extensions: { code: refusal.code } }] }));
}

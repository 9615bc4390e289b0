import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A throwaway self-signed certificate for 127.0.0.1, made with openssl when the test file loads, and made
 * the default trust roots of @grpc/grpc-js (which reads GRPC_DEFAULT_SSL_ROOTS_FILE_PATH once, when it is
 * first loaded: import this module before anything that loads grpc-js). The client library then takes its
 * production path: TLS with its own call credentials, no `sslCreds` override.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcp-tls-'));
export const certFile = path.join(dir, 'cert.pem');
export const keyFile = path.join(dir, 'key.pem');
execFileSync(
  'openssl',
  ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
  { stdio: 'ignore' },
);
process.env.GRPC_DEFAULT_SSL_ROOTS_FILE_PATH = certFile;

export function cleanupTls(): void {
  delete process.env.GRPC_DEFAULT_SSL_ROOTS_FILE_PATH;
  fs.rmSync(dir, { recursive: true, force: true });
}

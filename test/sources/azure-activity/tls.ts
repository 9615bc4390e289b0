import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface SelfSignedCert {
  key: string;
  cert: string;
  /** the certificate's PEM file, for the source's `caFile` */
  certFile: string;
  dispose(): void;
}

/**
 * A throwaway certificate for 127.0.0.1, made at test time (no key material in the repository), so that the SDK's
 * bearer-token policy talks to the loopback server over real TLS and trusts it only through the `caFile` we give.
 */
export function selfSignedCert(): SelfSignedCert {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auditgraph-azure-tls-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    { stdio: 'ignore' },
  );
  return {
    key: fs.readFileSync(keyFile, 'utf8'),
    cert: fs.readFileSync(certFile, 'utf8'),
    certFile,
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

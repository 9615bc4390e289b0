import * as fs from 'node:fs';
import { ConfigError } from './errors';

/** One object of the config file, with the key path it sits at, for error messages. */
export class ConfigNode {
  constructor(
    readonly value: Record<string, unknown>,
    readonly path: string,
  ) {}

  static of(raw: unknown, path: string): ConfigNode {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new ConfigError(path, `expected a mapping, got ${describe(raw)}`);
    }
    return new ConfigNode(raw as Record<string, unknown>, path);
  }

  key(name: string): string {
    return this.path ? `${this.path}.${name}` : name;
  }

  has(name: string): boolean {
    return this.value[name] !== undefined && this.value[name] !== null;
  }

  string(name: string): string {
    const v = this.value[name];
    if (typeof v !== 'string' || v.trim() === '') {
      throw new ConfigError(this.key(name), `expected a non-empty string, got ${describe(v)}`);
    }
    return v;
  }

  optionalString(name: string): string | undefined {
    return this.has(name) ? this.string(name) : undefined;
  }

  number(name: string, fallback: number, range?: { min?: number; max?: number; integer?: boolean }): number {
    if (!this.has(name)) return fallback;
    const v = this.value[name];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ConfigError(this.key(name), `expected a number, got ${describe(v)}`);
    }
    if (range?.integer && !Number.isInteger(v)) throw new ConfigError(this.key(name), `expected an integer, got ${v}`);
    if (range?.min !== undefined && v < range.min) throw new ConfigError(this.key(name), `expected at least ${range.min}, got ${v}`);
    if (range?.max !== undefined && v > range.max) throw new ConfigError(this.key(name), `expected at most ${range.max}, got ${v}`);
    return v;
  }

  boolean(name: string, fallback: boolean): boolean {
    if (!this.has(name)) return fallback;
    const v = this.value[name];
    if (typeof v !== 'boolean') throw new ConfigError(this.key(name), `expected true or false, got ${describe(v)}`);
    return v;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback?: T): T {
    if (!this.has(name)) {
      if (fallback !== undefined) return fallback;
      throw new ConfigError(this.key(name), `expected one of ${allowed.join(', ')}, got nothing`);
    }
    const v = this.value[name];
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      throw new ConfigError(this.key(name), `expected one of ${allowed.join(', ')}, got ${describe(v)}`);
    }
    return v as T;
  }

  stringList(name: string, fallback: string[] = []): string[] {
    if (!this.has(name)) return fallback;
    const v = this.value[name];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) {
      throw new ConfigError(this.key(name), `expected a list of non-empty strings, got ${describe(v)}`);
    }
    return v as string[];
  }

  list(name: string): ConfigNode[] {
    if (!this.has(name)) return [];
    const v = this.value[name];
    if (!Array.isArray(v)) throw new ConfigError(this.key(name), `expected a list, got ${describe(v)}`);
    return v.map((item, i) => ConfigNode.of(item, `${this.key(name)}[${i}]`));
  }

  child(name: string): ConfigNode | undefined {
    return this.has(name) ? ConfigNode.of(this.value[name], this.key(name)) : undefined;
  }

  /** A directory that must exist at start-up. */
  directory(name: string): string {
    const p = this.string(name);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      throw new ConfigError(this.key(name), `expected an existing directory, but ${p} does not exist`);
    }
    if (!stat.isDirectory()) throw new ConfigError(this.key(name), `expected a directory, but ${p} is not one`);
    return p;
  }

  /** An http(s) URL. */
  url(name: string): string {
    const v = this.string(name);
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      throw new ConfigError(this.key(name), `expected an http(s) URL, got ${JSON.stringify(v)}`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      throw new ConfigError(this.key(name), `expected an http(s) URL, got ${JSON.stringify(v)}`);
    }
    return v.replace(/\/+$/, '');
  }

  /**
   * An http(s) URL that a credential is sent to: plain `http://` only to a loopback host, where no one on the
   * network can read the credential (or replay a signed request). Use `url` where nothing secret travels.
   */
  credentialUrl(name: string, credential = 'the credential'): string {
    const v = this.url(name);
    const u = new URL(v);
    if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
      throw new ConfigError(this.key(name), `${v} is plain http: ${credential} would cross the network in clear text; use https:// (plain http is allowed only to loopback: 127.0.0.1, ::1, localhost)`);
    }
    return v;
  }

  /**
   * A secret named by `<base>Env` (an environment variable) or `<base>File` (a file): never written in the
   * config itself. Returns undefined when neither is set and the secret is optional.
   */
  secret(base: string, required: boolean): string | undefined {
    const envKey = `${base}Env`;
    const fileKey = `${base}File`;
    if (this.has(base)) {
      throw new ConfigError(this.key(base), `secrets are not written in the config: name an environment variable with ${envKey} or a file with ${fileKey}`);
    }
    if (this.has(envKey)) {
      const name = this.string(envKey);
      const v = process.env[name];
      if (v === undefined || v === '') throw new ConfigError(this.key(envKey), `environment variable ${name} is not set`);
      return v;
    }
    if (this.has(fileKey)) {
      const p = this.string(fileKey);
      try {
        const v = fs.readFileSync(p, 'utf8').trim();
        if (v === '') throw new Error('empty');
        return v;
      } catch {
        throw new ConfigError(this.key(fileKey), `expected a readable, non-empty file, got ${p}`);
      }
    }
    if (required) throw new ConfigError(this.key(envKey), `expected ${envKey} (an environment variable) or ${fileKey} (a file) for the ${base}`);
    return undefined;
  }

  /** Fails on keys the source does not know, so that a typo is not silently ignored. */
  allowOnly(keys: readonly string[]): void {
    for (const k of Object.keys(this.value)) {
      if (keys.includes(k)) continue;
      if (keys.includes(`${k}Env`)) {
        throw new ConfigError(this.key(k), `secrets are not written in the config: name an environment variable with ${k}Env or a file with ${k}File`);
      }
      throw new ConfigError(this.key(k), `unknown key; expected one of ${keys.join(', ')}`);
    }
  }
}

/** 127.0.0.0/8, ::1, `localhost` and `*.localhost` (RFC 6761): names and addresses that never leave the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  // IPv4-mapped IPv6 loopback, as URL() writes it
  return /^::ffff:(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|7f[0-9a-f]{2}:[0-9a-f]{1,4})$/.test(h);
}

function describe(v: unknown): string {
  if (v === undefined || v === null) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

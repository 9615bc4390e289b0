/** A start-up error that names the config key at fault and what was expected there. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    readonly expected: string,
  ) {
    super(`config ${key}: ${expected}`);
    this.name = 'ConfigError';
  }
}

// A secret from the environment, inline (NAME) or as a file (NAME_FILE, how compose and Kubernetes mount secrets).
// Never both: quietly preferring one would run with a secret nobody meant. The value is never put in a message.
import { readFileSync } from 'node:fs';
import type { IssueCollector } from '../domain/issues';

/** The secret, or undefined when neither variable is set; problems go to `c`. A file's trailing newline is dropped. */
export function secretFromEnv(env: NodeJS.ProcessEnv, name: string, c: IssueCollector): string | undefined {
  const inline = env[name] || undefined;
  const file = env[`${name}_FILE`] || undefined;
  if (inline !== undefined && file !== undefined) {
    c.add(name, '(set)', `set ${name} or ${name}_FILE, not both`);
    return undefined;
  }
  if (file === undefined) return inline;
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    c.add(`${name}_FILE`, file, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    return undefined;
  }
}

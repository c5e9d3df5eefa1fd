// The worker's configuration, from the environment. Exotel tokens live here (or in a file named here), never in
// workflow input.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TASK_QUEUE } from '../domain/task-queue';
import { IssueCollector } from '../domain/issues';
import { checkAccountSettings, type ExotelAccountSettings } from '../exotel/accounts';

/** Seconds in-flight activities get on SIGTERM unless WORKER_SHUTDOWN_GRACE_SECONDS says. */
export const DEFAULT_SHUTDOWN_GRACE_SECONDS = 30;

/** Where Temporal is comes from platform/temporal-connection.ts (envconfig), like every process. */
export interface WorkerConfig {
  taskQueue: string;
  accounts: ExotelAccountSettings[];
  /** Seconds in-flight activities get to finish on SIGTERM before they are cancelled. */
  shutdownGraceSeconds: number;
  /** A workflow bundle built by scripts/build-workflow-bundle.ts; without it the worker bundles at start. */
  workflowBundlePath?: string;
}

/**
 * The bundle `npm run build` puts beside the compiled worker (dist/workflow-bundle.js), so an installed package
 * starts without webpack; from the TypeScript sources there is none, and the worker bundles at start.
 */
function prebuiltBundle(): string | undefined {
  const bundle = join(__dirname, '..', 'workflow-bundle.js');
  return __filename.endsWith('.js') && existsSync(bundle) ? bundle : undefined;
}

/**
 * EXOTEL_ACCOUNTS_FILE (a JSON file) or EXOTEL_ACCOUNTS (inline JSON) holds a list of
 * `{ accountSid, apiKey, apiToken | apiTokenFile, subdomain, baseUrl?, sipEdge? }`; `apiTokenFile` names a file
 * holding just that account's token (a mounted secret, say).
 */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const c = new IssueCollector();
  let accounts: ExotelAccountSettings[] = [];
  const file = env.EXOTEL_ACCOUNTS_FILE || undefined;
  const inline = env.EXOTEL_ACCOUNTS || undefined;
  const source = file ? 'EXOTEL_ACCOUNTS_FILE' : 'EXOTEL_ACCOUNTS';
  // Quietly preferring one would run the worker for accounts nobody meant.
  if (file && inline) c.add('EXOTEL_ACCOUNTS', '(set)', 'give EXOTEL_ACCOUNTS_FILE or EXOTEL_ACCOUNTS, not both');
  let text: string | undefined = inline;
  if (file) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      c.add('EXOTEL_ACCOUNTS_FILE', file, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  if (text === undefined) {
    if (!file) c.add('EXOTEL_ACCOUNTS_FILE', undefined, 'set it (or EXOTEL_ACCOUNTS) to the Exotel accounts this worker acts for');
  } else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // The text may hold tokens: never echo it.
      c.add(source, '(json)', 'is not valid JSON');
    }
    if (parsed !== undefined) {
      if (!Array.isArray(parsed) || parsed.length === 0) c.add(source, '(json)', 'must be a non-empty JSON list of accounts');
      else {
        const withTokens = parsed.map((a: unknown, i) => (typeof a === 'object' && a !== null && !Array.isArray(a) ? withTokenFromFile(a as AccountEntry, i, c) : a));
        checkAccountSettings(c, withTokens);
        accounts = withTokens as ExotelAccountSettings[];
      }
    }
  }
  const grace = Number(env.WORKER_SHUTDOWN_GRACE_SECONDS ?? DEFAULT_SHUTDOWN_GRACE_SECONDS);
  if (!Number.isFinite(grace) || grace < 0) c.add('WORKER_SHUTDOWN_GRACE_SECONDS', env.WORKER_SHUTDOWN_GRACE_SECONDS, 'must be a number of seconds ≥ 0');
  c.throwIfAny();
  return {
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
    accounts,
    shutdownGraceSeconds: grace,
    workflowBundlePath: env.WORKFLOW_BUNDLE_PATH || prebuiltBundle(),
  };
}

type AccountEntry = ExotelAccountSettings & { apiTokenFile?: string };

function withTokenFromFile(account: AccountEntry, index: number, c: IssueCollector): ExotelAccountSettings {
  const { apiTokenFile, ...rest } = account;
  if (apiTokenFile === undefined) return rest;
  if (rest.apiToken !== undefined) c.add(`accounts[${index}].apiTokenFile`, apiTokenFile, 'give apiToken or apiTokenFile, not both');
  try {
    return { ...rest, apiToken: readFileSync(apiTokenFile, 'utf8').trim() };
  } catch (err) {
    c.add(`accounts[${index}].apiTokenFile`, apiTokenFile, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    return rest;
  }
}

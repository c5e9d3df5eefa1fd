// The worker's configuration, from the environment. Exotel tokens live here (or in a file named here), never in
// workflow input.
import { readFileSync } from 'node:fs';
import { DEFAULT_TASK_QUEUE } from '../domain/task-queue';
import { IssueCollector } from '../domain/issues';
import type { ExotelAccountSettings } from '../exotel/accounts';

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
 * EXOTEL_ACCOUNTS_FILE (a JSON file) or EXOTEL_ACCOUNTS (inline JSON) holds a list of
 * `{ accountSid, apiKey, apiToken | apiTokenFile, subdomain, baseUrl?, sipEdge? }`; `apiTokenFile` names a file
 * holding just that account's token (a mounted secret, say).
 */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const c = new IssueCollector();
  let accounts: ExotelAccountSettings[] = [];
  const file = env.EXOTEL_ACCOUNTS_FILE;
  const inline = env.EXOTEL_ACCOUNTS;
  const source = file ? 'EXOTEL_ACCOUNTS_FILE' : 'EXOTEL_ACCOUNTS';
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
    try {
      const parsed = JSON.parse(text) as unknown;
      if (!Array.isArray(parsed) || parsed.length === 0) c.add(source, '(json)', 'must be a non-empty JSON list of accounts');
      else accounts = (parsed as (ExotelAccountSettings & { apiTokenFile?: string })[]).map((a, i) => withTokenFromFile(a, i, c));
    } catch {
      // The text may hold tokens: never echo it.
      c.add(source, '(json)', 'is not valid JSON');
    }
  }
  const grace = Number(env.WORKER_SHUTDOWN_GRACE_SECONDS ?? DEFAULT_SHUTDOWN_GRACE_SECONDS);
  if (!Number.isFinite(grace) || grace < 0) c.add('WORKER_SHUTDOWN_GRACE_SECONDS', env.WORKER_SHUTDOWN_GRACE_SECONDS, 'must be a number of seconds ≥ 0');
  c.throwIfAny();
  return {
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
    accounts,
    shutdownGraceSeconds: grace,
    workflowBundlePath: env.WORKFLOW_BUNDLE_PATH || undefined,
  };
}

function withTokenFromFile(account: ExotelAccountSettings & { apiTokenFile?: string }, index: number, c: IssueCollector): ExotelAccountSettings {
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

// The worker's configuration, from the environment. Exotel tokens live here (or in a file named here), never in
// workflow input.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TASK_QUEUE } from '../domain/task-queue';
import { IssueCollector } from '../domain/issues';
import { checkAccountSettings, type ExotelAccountSettings } from '../exotel/accounts';
import { checkPlatformAccounts, type PlatformAccountSettings } from '../voice-ai/accounts';

/** Seconds in-flight activities get on SIGTERM unless WORKER_SHUTDOWN_GRACE_SECONDS says. */
export const DEFAULT_SHUTDOWN_GRACE_SECONDS = 30;

/** Where Temporal is comes from platform/temporal-connection.ts (envconfig), like every process. */
export interface WorkerConfig {
  taskQueue: string;
  accounts: ExotelAccountSettings[];
  platformAccounts: PlatformAccountSettings[];
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
 * holding just that account's token (a mounted secret, say). VOICE_AI_ACCOUNTS_FILE or VOICE_AI_ACCOUNTS, optional,
 * the same for the platforms: `{ name, provider: "livekit", url, apiKey, apiSecret | apiSecretFile, sipHost? }`.
 */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const c = new IssueCollector();
  const accounts = readAccountList(env, c, { file: 'EXOTEL_ACCOUNTS_FILE', inline: 'EXOTEL_ACCOUNTS', required: 'the Exotel accounts this worker acts for' }, (list) => {
    const withTokens = list.map((a, i) => (isEntry(a) ? withSecretFromFile(a, 'apiToken', `accounts[${i}]`, c) : a));
    checkAccountSettings(c, withTokens);
    return withTokens as ExotelAccountSettings[];
  });
  // Optional: without platform accounts every setup's platform side is manual (the handoff sheet).
  const platformAccounts = readAccountList(env, c, { file: 'VOICE_AI_ACCOUNTS_FILE', inline: 'VOICE_AI_ACCOUNTS' }, (list) => {
    const withSecrets = list.map((a, i) => (isEntry(a) ? withSecretFromFile(a, 'apiSecret', `platformAccounts[${i}]`, c) : a));
    checkPlatformAccounts(c, withSecrets);
    return withSecrets as PlatformAccountSettings[];
  });
  const grace = Number(env.WORKER_SHUTDOWN_GRACE_SECONDS ?? DEFAULT_SHUTDOWN_GRACE_SECONDS);
  if (!Number.isFinite(grace) || grace < 0) c.add('WORKER_SHUTDOWN_GRACE_SECONDS', env.WORKER_SHUTDOWN_GRACE_SECONDS, 'must be a number of seconds ≥ 0');
  c.throwIfAny();
  return {
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
    accounts,
    platformAccounts,
    shutdownGraceSeconds: grace,
    workflowBundlePath: env.WORKFLOW_BUNDLE_PATH || prebuiltBundle(),
  };
}

type Entry = Record<string, unknown>;
const isEntry = (a: unknown): a is Entry => typeof a === 'object' && a !== null && !Array.isArray(a);

/**
 * A JSON list of accounts from a file (`file`) or inline (`inline`), never both; empty when neither is set and the
 * list is optional. The text may hold keys: it is never echoed.
 */
function readAccountList<T>(env: NodeJS.ProcessEnv, c: IssueCollector, vars: { file: string; inline: string; required?: string }, check: (list: unknown[]) => T[]): T[] {
  const file = env[vars.file] || undefined;
  const inline = env[vars.inline] || undefined;
  const source = file ? vars.file : vars.inline;
  // Quietly preferring one would run the worker for accounts nobody meant.
  if (file && inline) c.add(vars.inline, '(set)', `give ${vars.file} or ${vars.inline}, not both`);
  let text: string | undefined = inline;
  if (file) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      c.add(vars.file, file, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  if (text === undefined) {
    if (!file && vars.required) c.add(vars.file, undefined, `set it (or ${vars.inline}) to ${vars.required}`);
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    c.add(source, '(json)', 'is not valid JSON');
    return [];
  }
  if (!Array.isArray(parsed) || (vars.required && parsed.length === 0)) {
    c.add(source, '(json)', `must be a ${vars.required ? 'non-empty ' : ''}JSON list of accounts`);
    return [];
  }
  return check(parsed);
}

/** `<secret>File` names a file holding just that secret (a mounted secret, say). */
function withSecretFromFile(account: Entry, secret: 'apiToken' | 'apiSecret', where: string, c: IssueCollector): Entry {
  const fileKey = `${secret}File`;
  const { [fileKey]: path, ...rest } = account;
  if (path === undefined) return rest;
  if (typeof path !== 'string') {
    c.add(`${where}.${fileKey}`, path, 'must be the path of a file');
    return rest;
  }
  if (rest[secret] !== undefined) c.add(`${where}.${fileKey}`, path, `give ${secret} or ${fileKey}, not both`);
  try {
    return { ...rest, [secret]: readFileSync(path, 'utf8').trim() };
  } catch (err) {
    c.add(`${where}.${fileKey}`, path, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    return rest;
  }
}

// What every trunkctl command shares: the connection flags, a client that reads encrypted payloads, the flag
// parsers, and the error that means "bad usage" (exit code 2).
//
// Start-up time: Temporal's SDK takes most of a second to load, so commands import it (and whatever pulls it in)
// only when they run, with `await import(…)`; `trunkctl providers` and every --help never load it.
import type { Command } from '@commander-js/extra-typings';
import type { Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { DEFAULT_TASK_QUEUE } from '../domain/task-queue';
import type { Direction } from '../domain/setup';

/** Bad usage: a missing or malformed flag. trunkctl exits 2 and points at the command's --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ConnectionFlags {
  address?: string;
  namespace?: string;
  taskQueue?: string;
  json?: true;
}

/** `--address`, `--namespace`, `--task-queue` (each over its TEMPORAL_* variable) and `--json`. */
export function withConnectionFlags<Args extends unknown[], Opts extends Record<string, unknown>>(command: Command<Args, Opts>) {
  return command
    .option('--address <host:port>', 'the Temporal frontend (TEMPORAL_ADDRESS; default localhost:7233)')
    .option('--namespace <name>', 'the Temporal namespace (TEMPORAL_NAMESPACE; default default)')
    .option('--task-queue <name>', `the workers' task queue (TEMPORAL_TASK_QUEUE; default ${DEFAULT_TASK_QUEUE})`)
    .option('--json', 'print JSON for programs instead of tables');
}

export const taskQueueOf = (flags: ConnectionFlags): string => flags.taskQueue ?? process.env.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE;

export async function withClient<T>(flags: ConnectionFlags, body: (client: Client) => Promise<T>): Promise<T> {
  const [{ Client }, { dataConverterFor }, { loadKeyring }, { connectClientConnection, loadTemporalConnectConfig }] = await Promise.all([
    import('@temporalio/client'),
    import('../codec/data-converter.js'),
    import('../codec/keyring.js'),
    import('../platform/temporal-connection.js'),
  ]);
  // Address, namespace, TLS or API key: flags, then TEMPORAL_* variables, then the envconfig profile.
  const temporal = loadTemporalConnectConfig(process.env, { address: flags.address, namespace: flags.namespace });
  const connection = await connectClientConnection(temporal);
  try {
    // Results and queries are encrypted when the worker has keys (codec/): read them with the same keys.
    const dataConverter = dataConverterFor(loadKeyring(process.env));
    return await body(new Client({ connection, namespace: temporal.namespace, dataConverter }));
  } finally {
    await connection.close();
  }
}

/** Checked in the action rather than by commander, so a mistyped flag is reported (with the nearest one) first. */
export function required(flag: string, value: string | undefined): string {
  if (value === undefined) throw new UsageError(`--${flag} is required`);
  return value;
}

/** `--ops-timeout 0` or `90000` are milliseconds; `15m`, `24h` are Temporal durations (checked by validation). */
export const durationFlag = (value: string): Duration => (/^\d+$/.test(value) ? Number(value) : (value as Duration));

/** For repeatable flags: `--provider-ip a --provider-ip b` → ['a', 'b']. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function directionFlag(value: string | undefined): Direction | undefined {
  if (value === undefined || value === 'outbound' || value === 'inbound') return value;
  throw new UsageError(`--direction ${value}: must be outbound or inbound`);
}

export function wholeNumberFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag} ${value}: must be a whole number ≥ 1`);
  return n;
}

export function numberFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag} ${value}: must be a number`);
  return n;
}

/** `--provider-field subdomain=abcd --provider-field region=india` → `{ subdomain: 'abcd', region: 'india' }`. */
export function keyValues(flag: string, pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--${flag} ${pair}: must be name=value`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

/** trunkctl's exit codes (README, "Exit codes"). */
export const ExitCodes = {
  done: 0,
  /** The operation failed (a setup rolled back, a decision was refused, Temporal unreachable). */
  failed: 1,
  /** Bad usage or input: nothing was started. */
  usage: 2,
  /** A setup waits for a person's decision (`--wait` without `--wait-for-decision`). */
  awaitingOps: 3,
} as const;
export type ExitCode = (typeof ExitCodes)[keyof typeof ExitCodes];

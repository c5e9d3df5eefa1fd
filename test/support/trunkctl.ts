// Runs the real trunkctl (and the real temporal CLI) as a user would, against the shared test server.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveTemporalCli } from '../../scripts/dev-server';
import { temporalAddress, temporalNamespace } from './temporal';

const ROOT = join(__dirname, '..', '..');

export interface CliRun {
  /** The exit code; -1 when the process had to be killed (it hung past the timeout). */
  code: number;
  stdout: string;
  stderr: string;
}

async function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; killed?: boolean; stdout?: string; stderr?: string };
    return { code: e.killed ? -1 : typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export function trunkctl(args: string[], { taskQueue, env = {} }: { taskQueue?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return run(process.execPath, ['--import', 'tsx', join(ROOT, 'cli', 'trunkctl.ts'), ...args], {
    TEMPORAL_ADDRESS: temporalAddress(),
    TEMPORAL_NAMESPACE: temporalNamespace(),
    ...(taskQueue ? { TEMPORAL_TASK_QUEUE: taskQueue } : {}),
    ...env,
  });
}

export async function temporalCli(args: string[]): Promise<CliRun> {
  return run(await resolveTemporalCli(), [...args, '--address', temporalAddress(), '--namespace', temporalNamespace()]);
}

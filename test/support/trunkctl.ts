// Runs the real trunkctl (and the real temporal CLI) as a user would, against the shared test server.
import { execFile, spawn } from 'node:child_process';
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

type TrunkctlOptions = { taskQueue?: string; env?: Record<string, string> };

const trunkctlEnv = ({ taskQueue, env = {} }: TrunkctlOptions): NodeJS.ProcessEnv => ({
  TEMPORAL_ADDRESS: temporalAddress(),
  TEMPORAL_NAMESPACE: temporalNamespace(),
  ...(taskQueue ? { TEMPORAL_TASK_QUEUE: taskQueue } : {}),
  ...env,
});
const trunkctlArgs = (args: string[]) => ['--import', 'tsx', join(ROOT, 'cli', 'trunkctl.ts'), ...args];

export function trunkctl(args: string[], options: TrunkctlOptions = {}): Promise<CliRun> {
  return run(process.execPath, trunkctlArgs(args), trunkctlEnv(options));
}

/** A trunkctl that keeps running (`--wait`, say): what it has printed so far, and its end. */
export function trunkctlRunning(args: string[], options: TrunkctlOptions = {}): { printed(): string; until(text: string): Promise<void>; ended: Promise<CliRun> } {
  const child = spawn(process.execPath, trunkctlArgs(args), { cwd: ROOT, env: { ...process.env, ...trunkctlEnv(options) } });
  let stdout = '';
  let stderr = '';
  const waiting: { text: string; resolve: () => void }[] = [];
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of waiting.filter((x) => stdout.includes(x.text))) w.resolve();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const ended = new Promise<CliRun>((resolve) => child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr })));
  return {
    printed: () => stdout,
    until: (text) => (stdout.includes(text) ? Promise.resolve() : new Promise((resolve) => waiting.push({ text, resolve }))),
    ended,
  };
}

export async function temporalCli(args: string[]): Promise<CliRun> {
  return run(await resolveTemporalCli(), [...args, '--address', temporalAddress(), '--namespace', temporalNamespace()]);
}

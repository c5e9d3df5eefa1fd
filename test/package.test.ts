// The package as users get it: `npm pack` holds the compiled CLI and the prebuilt workflow bundle but no tests,
// fixtures or TypeScript sources, installs with production dependencies only, and runs: the installed trunkctl
// starts a simulator and a worker and sets a customer up.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT } from '../simulator';
import { temporalAddress, temporalNamespace, uniqueTaskQueue } from './support/temporal';

const ROOT = join(__dirname, '..');
const run = promisify(execFile);
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
});

/** Starts a long-running command and resolves with what it printed once a line matches. */
function startAndWaitFor(file: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<string> {
  const child = spawn(file, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let printed = '';
    const seen = (chunk: Buffer) => {
      printed += chunk.toString();
      if (ready.test(printed)) resolve(printed);
    };
    child.stdout?.on('data', seen);
    child.stderr?.on('data', seen);
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code} before it was ready:\n${printed}`)));
  });
}

describe('the npm package', () => {
  it('packs without tests or sources, installs, and sets up a customer with the installed trunkctl', { timeout: 600_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trunk-package-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    const files = packed?.files.map((f) => f.path) ?? [];
    expect(files).toContain('dist/cli/trunkctl.js');
    expect(files).toContain('dist/workflow-bundle.js');
    expect(files.filter((f) => f.startsWith('test/') || f.includes('fixtures') || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);

    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'uses-trunkctl', private: true }));
    await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', join(dir, packed?.filename ?? '')], { cwd: app, maxBuffer: 64 * 1024 * 1024 });
    const trunkctl = join(app, 'node_modules', '.bin', 'trunkctl');

    const providers = await run(trunkctl, ['providers', '--json'], { cwd: app });
    expect((JSON.parse(providers.stdout) as { id: string }[]).map((p) => p.id)).toContain('livekit');

    const banner = await startAndWaitFor(trunkctl, ['simulator', '--port', '0', '--rate-limit', 'off'], {}, /url: +http:\/\/[^/\s]+/);
    const simulatorUrl = /url: +(http:\/\/[^/\s]+)/.exec(banner)?.[1] ?? '';
    const taskQueue = uniqueTaskQueue('package');
    const env = {
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_NAMESPACE: temporalNamespace(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      WORKER_MODE: 'demo',
      EXOTEL_ACCOUNTS: JSON.stringify([
        { accountSid: DEMO_ACCOUNT.sid, apiKey: DEMO_ACCOUNT.apiKey, apiToken: DEMO_ACCOUNT.apiToken, subdomain: 'api.in.exotel.com', baseUrl: simulatorUrl },
      ]),
    };
    // The prebuilt bundle is used: no webpack report in the worker's output.
    const workerSaid = await startAndWaitFor(trunkctl, ['worker'], env, /worker polling/);
    expect(workerSaid).not.toContain('webpack');

    const setup = await run(trunkctl, ['outbound', '--customer', `pkg-${Date.now()}`, '--account', DEMO_ACCOUNT.sid, '--did', '+919877700001', '--wait', '--json'], {
      cwd: app,
      env: { ...process.env, ...env },
    });
    expect((JSON.parse(setup.stdout) as { result: { trunkSid: string } }).result.trunkSid).toMatch(/^trmum1/);
  });
});

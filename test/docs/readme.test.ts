// README's "Running it yourself", pasted in order on a fresh copy of the project: npm ci, a detached dev server,
// the simulator, accounts and codec keys, the worker, an outbound and an inbound setup, show, list, and stop; and
// before the stop, docs/platform-side.md's walk-through, which goes on from there (a local LiveKit, the worker
// restarted with an account on it, a customer set up on both sides). If the docs drift from the code, this fails.
import { execFile, spawn } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const SECTION = '## Running it yourself';

/** The ```sh blocks of one README section, in order. */
export function shellBlocks(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`${heading}\n`);
  if (start < 0) throw new Error(`README has no section "${heading}"`);
  const rest = markdown.slice(start + heading.length);
  const end = rest.search(/\n#{2,3} /);
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

/** The files git knows (committed or not, minus the ignored), as a fresh clone has them. */
async function freshCopy(): Promise<string> {
  const { stdout } = await promisify(execFile)('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  const copy = mkdtempSync(join(tmpdir(), 'readme-clone-'));
  for (const file of stdout.split('\0').filter(Boolean)) {
    // Never a link (a worktree's node_modules linked to another checkout's: the copy's npm ci would empty it).
    if (lstatSync(join(ROOT, file)).isSymbolicLink() || file.split('/')[0] === 'node_modules') continue;
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(ROOT, file), join(copy, file));
  }
  return copy;
}

function bash(script: string, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    // No TEMPORAL_* from the test run: the README's commands must find the server it starts on their own.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_') && !k.startsWith('TRUNK_CODEC')));
    const child = spawn('bash', ['-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('README', () => {
  it('"Running it yourself" works pasted in order on a fresh copy', { timeout: 600_000 }, async () => {
    const readme = shellBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'), SECTION);
    expect(readme.length).toBeGreaterThanOrEqual(4);
    const platform = shellBlocks(readFileSync(join(ROOT, 'docs', 'platform-side.md'), 'utf8'), '## From the command line');
    expect(platform).toHaveLength(1);
    const blocks = [...readme.slice(0, -1), ...platform, ...readme.slice(-1)];
    const copy = await freshCopy();
    try {
      const run = await bash(['set -euo pipefail', ...blocks].join('\n'), copy);
      expect(run.code, run.output).toBe(0);
      expect(run.output).toMatch(/outbound setup started: workflow trunk-setup-outbound-acme-42/);
      expect(run.output).toMatch(/inbound setup started: workflow trunk-setup-inbound-acme-42/);
      expect(run.output).toMatch(/outbound setup for acme-42: succeeded/);
      expect(run.output).toMatch(/inbound setup for acme-42: succeeded/);
      expect(run.output).toContain('no setups match');
      expect(run.output).toContain('done: mapped +919800000003');
      expect(run.output).toMatch(/done: created credential sip\w+/);
      expect(run.output).toMatch(/done: deleted credential sip\w+/);
      expect(run.output).toContain("inbound setup started: workflow trunk-setup-inbound-acme-50");
      expect(run.output).toContain('Platform side: configured by API with account local-livekit, cross-checked with Exotel:');
      expect(run.output).toMatch(/livekit-dispatch-rule\s+exotel-acme-50-rule\s+SDR_/);
      expect(run.output).toMatch(/On the platform \(livekit, account local-livekit, by its API\)/);
      expect(run.output).toMatch(/LiveKit trunk ST_\w+ signs in as sip\w+/);
      expect(run.output).toMatch(/deleted livekit-dispatch-rule exotel-acme-50-rule on the platform/);
      expect(run.output).toMatch(/dev server \d+ stopped/);
    } finally {
      // Whatever the script left behind when a step failed.
      await bash('npx tsx scripts/dev-server.ts --stop; pkill -f "$PWD/cli/trunkctl.ts"; pkill -f "$PWD/.tools/livekit-server"; pkill -f "redis-server 127.0.0.1:6390|redis-server \\*:6390" || true', copy);
    }
  });
});

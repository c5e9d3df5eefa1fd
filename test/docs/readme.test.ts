// README's "Running it yourself", pasted in order on a fresh copy of the project: npm ci, a detached dev server,
// the simulator, accounts and codec keys, the worker, an outbound and an inbound setup, show, list, and stop. If
// the README drifts from what the code does, this fails.
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
    const blocks = shellBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'), SECTION);
    expect(blocks.length).toBeGreaterThanOrEqual(4);
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
      expect(run.output).toMatch(/dev server \d+ stopped/);
    } finally {
      // Whatever the script left behind when a step failed.
      await bash('npx tsx scripts/dev-server.ts --stop; pkill -f "$PWD/cli/trunkctl.ts" || true', copy);
    }
  });
});

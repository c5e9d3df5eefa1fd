// Fault paths are user-supplied regexes tested against every request: only patterns of bounded cost are taken, from
// the admin API (400) and from `trunkctl simulator --fault` (exit 2), each refusal naming the field, value and rule.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseFaultSpec } from '../../simulator';
import { httpCall, startTestSimulator, type TestSimulator } from './support';

const ROOT = resolve(__dirname, '../..');
// A process that starts serving where it should refuse to would otherwise run, and hang the test, forever.
const KILL_AFTER_MS = 30_000;

/** The patterns the project itself installs (scripts/chaos, scripts/bench, test/). */
const PROJECT_PATTERNS = [
  '/(trunks|phone-numbers|credentials|whitelisted-ips|destination-uris)$',
  '^/v2/',
  '/phone-numbers$',
  '/trunks$',
  '/credentials$',
  '/destination-uris$',
  '/whitelisted-ips',
  '/trunks/trmum1b/phone-numbers/77',
  '/v2/accounts/acme_in/trunks',
];

const REFUSED: [string, string][] = [
  ['(a+)+$', 'must not quantify a group'],
  ['(a|a)*b', 'must not quantify a group'],
  ['^/v2/(\\w+)/\\1$', 'must not use a backreference'],
  ['(?<sid>\\w)\\k<sid>', 'must not use a backreference'],
  ['/trunks(?=/)', 'must not use lookaround'],
  ['(?<!x)/trunks', 'must not use lookaround'],
  ['.*.*x', 'may have at most one variable quantifier'],
  ['/trunks/[^/]+/phone-numbers/[0-9]+$', 'may have at most one variable quantifier'],
  ['/(trunks|credentials)/.*', 'must not have both alternatives (|) and a variable quantifier'],
  ['(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)', 'may have at most 64 ways through its alternatives'],
  [`/${'x'.repeat(200)}`, 'must be at most 200 characters (it has 201)'],
];

describe('fault path rule', () => {
  it.each(PROJECT_PATTERNS)('takes the project pattern %s', (path) => {
    expect(parseFaultSpec({ kind: 'drop', path })).toEqual({ kind: 'drop', path });
  });

  it.each(['/trunks/[^/]+/phone-numbers$', '\\d{3}/[0-9]{2,2}$', '(?:trunks|credentials)$', '/trunks/.*?/x'])('takes %s', (path) => {
    expect(parseFaultSpec({ kind: 'drop', path })).toEqual({ kind: 'drop', path });
  });

  it.each(REFUSED)('refuses %s', (path, rule) => {
    expect(() => parseFaultSpec({ kind: 'drop', path })).toThrow(rule);
    expect(() => parseFaultSpec({ kind: 'drop', path })).toThrow(`(got ${JSON.stringify(path)})`);
  });
});

describe('POST /_admin/faults', () => {
  let t: TestSimulator;
  beforeAll(async () => {
    t = await startTestSimulator({ rateLimit: false });
  });
  afterAll(() => t.sim.close());
  beforeEach(() => t.admin.reset());

  it('answers 400 naming fault.path, the pattern and the rule, and installs nothing', async () => {
    const reply = await httpCall(`${t.sim.url}/_admin/faults`, 'POST', { 'Content-Type': 'application/json' }, JSON.stringify({ kind: 'drop', path: '(a+)+$' }));
    expect(reply.status).toBe(400);
    expect((reply.body as unknown as { error: string }).error).toBe(
      'fault.path must not quantify a group: a quantifier (*, +, ?, {m,n}) may follow only one character, escape, "." or [class] (nested quantifiers backtrack exponentially) (got "(a+)+$")',
    );
    expect(await t.admin.faults()).toEqual([]);
  });

  it('installs every pattern the project uses', async () => {
    for (const path of PROJECT_PATTERNS) await t.admin.addFault({ kind: 'status', status: 503, path, count: 0 });
    expect((await t.admin.faults()).map((f) => f.path)).toEqual(PROJECT_PATTERNS);
    expect((await t.acme.get('/trunks')).status).toBe(503);
  });
});

describe('trunkctl simulator --fault (a real process)', () => {
  it('exits 2 naming the flag, fault.path, the pattern and the rule', () => {
    const fault = '{"kind":"drop","path":".*.*x"}';
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'simulator/main.ts', '--port', '0', '--fault', fault], { cwd: ROOT, encoding: 'utf8', timeout: KILL_AFTER_MS });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`--fault ${JSON.stringify(fault)} is invalid: fault.path may have at most one variable quantifier`);
    expect(result.stderr).toContain('(got ".*.*x")');
  });
});

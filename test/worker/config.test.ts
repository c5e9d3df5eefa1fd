// The worker's configuration is refused, whole and named, before anything connects: two entries for one account,
// entries that are not objects, both account variables at once, credentials inside a base URL (never echoed).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputValidationError } from '../../domain/issues';
import { loadWorkerConfig } from '../../worker/config';
import { priorityWarningFor } from '../../worker/server-check';
import { trunkctl } from '../support/trunkctl';

const account = (sid: string, extra: Record<string, unknown> = {}) => ({ accountSid: sid, apiKey: 'key', apiToken: 'tok_secret_123', subdomain: 'api.in.exotel.com', ...extra });

function problems(env: Record<string, string>): string[] {
  try {
    loadWorkerConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(InputValidationError);
    return (err as InputValidationError).issues.map((i) => `${i.field} = ${i.value}: ${i.rule}`);
  }
  throw new Error('expected the configuration to be refused');
}

describe('worker configuration', () => {
  it('refuses two entries for one account, naming both', () => {
    expect(problems({ EXOTEL_ACCOUNTS: JSON.stringify([account('acme_in'), account('acme_in', { apiKey: 'other' })]) })).toEqual([
      'accounts[1].accountSid = acme_in: appears twice (also accounts[0]): configure each account once',
    ]);
  });

  it('says an entry is not an object instead of "not valid JSON"', () => {
    expect(problems({ EXOTEL_ACCOUNTS: '[null]' })).toEqual(['accounts[0] = null: must be an object { accountSid, apiKey, apiToken, subdomain, … }']);
    expect(problems({ EXOTEL_ACCOUNTS: '[{"accountSid": "acme_in"' })).toEqual(['EXOTEL_ACCOUNTS = (json): is not valid JSON']);
  });

  it('refuses EXOTEL_ACCOUNTS_FILE and EXOTEL_ACCOUNTS together rather than quietly preferring one', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'accounts-')), 'accounts.json');
    writeFileSync(file, JSON.stringify([account('acme_in')]));
    expect(problems({ EXOTEL_ACCOUNTS_FILE: file, EXOTEL_ACCOUNTS: JSON.stringify([account('other_in')]) })).toEqual([
      'EXOTEL_ACCOUNTS = (set): give EXOTEL_ACCOUNTS_FILE or EXOTEL_ACCOUNTS, not both',
    ]);
    expect(loadWorkerConfig({ EXOTEL_ACCOUNTS_FILE: file }).accounts.map((a) => a.accountSid)).toEqual(['acme_in']);
  });

  it('refuses credentials inside a base URL without echoing them', () => {
    const found = problems({ EXOTEL_ACCOUNTS: JSON.stringify([account('acme_in', { baseUrl: 'https://key:supersecret@api.in.exotel.com' })]) });
    expect(found).toEqual(['accounts[0].baseUrl = https://***@api.in.exotel.com: must not carry credentials: give them as apiKey and apiToken']);
    expect(found.join('\n')).not.toContain('supersecret');
  });

  it('reads voice-AI platform accounts (inline or file, a secret from its own file) and refuses bad ones by field, never echoing keys', () => {
    const exotel = { EXOTEL_ACCOUNTS: JSON.stringify([account('acme_in')]) };
    expect(loadWorkerConfig(exotel).platformAccounts).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'platforms-'));
    writeFileSync(join(dir, 'secret'), 'lk_secret_from_file\n');
    const livekit = { name: 'acme-lk', provider: 'livekit', url: 'https://acme.livekit.cloud', apiKey: 'APIabc', apiSecretFile: join(dir, 'secret'), sipHost: 'acme.sip.livekit.cloud' };
    expect(loadWorkerConfig({ ...exotel, VOICE_AI_ACCOUNTS: JSON.stringify([livekit]) }).platformAccounts).toEqual([
      { name: 'acme-lk', provider: 'livekit', url: 'https://acme.livekit.cloud', apiKey: 'APIabc', apiSecret: 'lk_secret_from_file', sipHost: 'acme.sip.livekit.cloud' },
    ]);
    const found = problems({
      ...exotel,
      VOICE_AI_ACCOUNTS: JSON.stringify([
        { name: 'lk', provider: 'livekit', url: 'acme.livekit.cloud', apiKey: 'APIabc', apiSecret: 'lk_secret_inline' },
        { name: 'lk', provider: 'livekit', url: 'https://b.livekit.cloud', apiKey: 'APIabc', apiSecret: 'lk_secret_inline', sipHost: 'sip:b.example.com' },
        { name: 'vapi', provider: 'vapi', apiKey: 'k' },
      ]),
    });
    expect(found).toEqual([
      'platformAccounts[0].url = acme.livekit.cloud: must be the project URL, http(s):// or ws(s)://',
      'platformAccounts[1].sipHost = sip:b.example.com: must be a host name, without port or scheme',
      'platformAccounts[1].name = lk: appears twice for livekit (also platformAccounts[0])',
      'platformAccounts[2].provider = vapi: must be one of livekit, retell, elevenlabs, bolna, pipecat-daily, smallest-atoms (the platforms with an API client here)',
    ]);
    expect(found.join('\n')).not.toContain('lk_secret_inline');
    expect(problems({ ...exotel, VOICE_AI_ACCOUNTS: '{' })).toEqual(['VOICE_AI_ACCOUNTS = (json): is not valid JSON']);
  });

  it('stops the worker process at once with the named error (exit 2), where it used to hang', { timeout: 90_000 }, async () => {
    const run = await trunkctl(['worker'], { env: { EXOTEL_ACCOUNTS: JSON.stringify([account('acme_in'), account('acme_in')]), WORKER_MODE: 'demo' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('accounts[1].accountSid = "acme_in": appears twice');
    expect(run.stderr).not.toContain('tok_secret_123');
  });

  it('any other start-up failure ends the process promptly with its real cause (exit 1)', { timeout: 90_000 }, async () => {
    const missing = join(tmpdir(), `no-such-bundle-${process.pid}.js`);
    const run = await trunkctl(['worker'], { env: { EXOTEL_ACCOUNTS: JSON.stringify([account('acme_in')]), WORKER_MODE: 'demo', WORKFLOW_BUNDLE_PATH: missing } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(missing);
    expect(run.stderr).not.toContain('Cannot close connection');
  });
});

describe('the server check at start-up', () => {
  it('warns when the server predates task-queue priorities, and keeps quiet when it has them on by default', () => {
    expect(priorityWarningFor('1.27.2')).toMatch(/predates task-queue priorities: .* first come, first served.*Upgrade to 1\.31\.0 or later/);
    expect(priorityWarningFor('1.31.0')).toBeUndefined();
    expect(priorityWarningFor('1.32.0')).toBeUndefined();
    expect(priorityWarningFor('v2.0.0')).toBeUndefined();
    expect(priorityWarningFor('')).toBeUndefined();
  });

  it('warns on 1.28-1.30, where priorities are on only with dynamic config, naming the keys that turn them on', () => {
    for (const version of ['1.29.0', '1.30.0', 'v1.30.6']) {
      const warning = priorityWarningFor(version);
      expect(warning, version).toContain(`Temporal server ${version} orders tasks by priority only if its dynamic config sets matching.enableFairness=true or matching.useNewMatcher=true`);
      expect(warning, version).toMatch(/without that, .* first come, first served.*upgrade to 1\.31\.0 or later/);
      expect(warning, version).not.toContain('predates');
    }
    // matching.enableFairness is new in 1.29.0: on 1.28 only the matcher key exists.
    const on128 = priorityWarningFor('1.28.9');
    expect(on128).toContain('only if its dynamic config sets matching.useNewMatcher=true (');
    expect(on128).not.toContain('enableFairness');
  });
});

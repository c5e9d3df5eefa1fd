// The JSON logger: one object per line, the setup's context lifted to the top, secrets masked by field name.
import { LogTimestamp } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { JsonLogger, MASK } from '../../platform/logger';
import { loadOpsConfig } from '../../platform/ops-config';

function capture(level?: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR') {
  const lines: string[] = [];
  const logger = new JsonLogger({ level, write: (line) => lines.push(line) });
  return { logger, lines, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('JsonLogger', () => {
  it('writes one JSON object per line with time, level, message and the SDK context', () => {
    const { logger, lines, entries } = capture();
    logger.info('Activity completed', {
      [LogTimestamp]: 1_750_000_000_123_000_000n,
      workflowId: 'trunk-setup-outbound-acme-42',
      activityType: 'createTrunk',
      attempt: 2,
      taskQueue: 'exotel-trunk-setup',
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('}\n')).toBe(true);
    expect(entries()[0]).toEqual({
      time: '2025-06-15T15:06:40.123Z',
      level: 'INFO',
      message: 'Activity completed',
      workflowId: 'trunk-setup-outbound-acme-42',
      customerId: 'acme-42',
      activity: 'createTrunk',
      activityType: 'createTrunk',
      attempt: 2,
      taskQueue: 'exotel-trunk-setup',
    });
  });

  it('masks every field named like a secret, at any depth, and keeps the rest', () => {
    const { logger, lines, entries } = capture();
    const secrets = ['sip-password-123', 'exotel-token-456', 'hmac-secret-789', 'Bearer abc', 'key-000', 'cookie-1'];
    logger.warn('request failed', {
      password: secrets[0],
      account: { apiToken: secrets[1], apiTokenFile: '/run/secrets/t', accountSid: 'acme_in' },
      SIGNUP_EVENTS_SECRET: secrets[2],
      headers: [{ Authorization: secrets[3] }],
      apiKey: secrets[4],
      cookie: secrets[5],
      sipPassword: { nested: secrets[0] },
      credentialId: 'cr_1',
    });
    for (const s of secrets) expect(lines[0]).not.toContain(s);
    expect(entries()[0]).toMatchObject({
      password: MASK,
      account: { apiToken: MASK, apiTokenFile: MASK, accountSid: 'acme_in' },
      SIGNUP_EVENTS_SECRET: MASK,
      headers: [{ Authorization: MASK }],
      apiKey: MASK,
      cookie: MASK,
      sipPassword: MASK,
      credentialId: 'cr_1',
    });
  });

  it('writes errors as name, message and stack only (an HTTP error carries its request headers)', () => {
    const { logger, lines, entries } = capture();
    const err = Object.assign(new Error('Request failed with status code 500'), { config: { headers: { Authorization: 'Basic c2VjcmV0' } } });
    logger.error('exotel', { error: err });
    expect(lines[0]).not.toContain('c2VjcmV0');
    expect(entries()[0]?.error).toMatchObject({ name: 'Error', message: 'Request failed with status code 500', stack: expect.stringContaining('Error') as unknown });
  });

  it('survives cycles, bigints and buffers, and never lets meta overwrite time, level or message', () => {
    const { logger, entries } = capture();
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    const shared = { n: 1 };
    logger.info('odd meta', { cyclic, big: 10n, bytes: Buffer.from('abc'), both: [shared, shared], level: 'FAKE', message: 'fake' });
    expect(entries()[0]).toMatchObject({
      level: 'INFO',
      message: 'odd meta',
      cyclic: { name: 'a', self: '[circular]' },
      big: '10',
      bytes: '[3 bytes]',
      both: [{ n: 1 }, { n: 1 }],
    });
  });

  it('drops entries below its level', () => {
    const { logger, lines } = capture('WARN');
    logger.debug('no');
    logger.info('no');
    logger.warn('yes');
    logger.error('yes');
    expect(lines).toHaveLength(2);
  });
});

describe('OPS_PORT, OPS_HOST, LOG_LEVEL', () => {
  it('are off and INFO when unset or empty', () => {
    expect(loadOpsConfig({})).toEqual({ logLevel: 'INFO' });
    expect(loadOpsConfig({ OPS_PORT: '', OPS_HOST: '', SDK_METRICS_ADDRESS: '', LOG_LEVEL: '' })).toEqual({ logLevel: 'INFO' });
  });

  it('reads them', () => {
    expect(loadOpsConfig({ OPS_PORT: '9090', OPS_HOST: '0.0.0.0', LOG_LEVEL: 'debug' })).toEqual({ opsPort: 9090, opsHost: '0.0.0.0', logLevel: 'DEBUG' });
  });

  it('names each bad one, and SDK_METRICS_ADDRESS, which an older deploy/worker.env still sets, as no longer read', () => {
    expect(() => loadOpsConfig({ OPS_PORT: '70000', SDK_METRICS_ADDRESS: '0.0.0.0:9464', LOG_LEVEL: 'loud' })).toThrow(
      /OPS_PORT = "70000": must be a port number[\s\S]*SDK_METRICS_ADDRESS = "0.0.0.0:9464": is no longer read: the SDK's metrics are on OPS_PORT's \/metrics[\s\S]*LOG_LEVEL = "loud": must be one of/,
    );
  });
});

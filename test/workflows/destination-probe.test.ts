// An inbound setup probes each destination before Exotel is told it: against a real SIP endpoint (SIPp answering
// OPTIONS over TCP) and a port where nothing listens, both on this machine under names the worker resolves. `warn` records the verdict and goes on; `require` stops for
// ops, who may correct the destinations and retry; `off` sends nothing.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundSetupResult } from '../../domain/setup-result';
import { statusQuery } from '../../workflows/progress';
import { decideUpdate } from '../../workflows/ops-gate';
import { keepHistory, startHarness, type Harness } from '../support/setup-harness';
import { startSippUas, type SippUas } from '../support/sipp';

// Exotel refuses private addresses and reserved names, so the destinations are public-looking names that only the
// worker's resolver knows (nothing is ever looked up in real DNS).
const LOCAL = ['sbc.probe-fixture.net', 'gone.probe-fixture.net'];
const resolver = {
  resolve4: async (host: string) => {
    if (LOCAL.includes(host)) return ['127.0.0.1'];
    throw Object.assign(new Error(`queryA ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  },
  resolve6: async (host: string) => {
    throw Object.assign(new Error(`queryAaaa ENODATA ${host}`), { code: 'ENODATA' });
  },
};

let h: Harness;
let uas: SippUas;
let closedPort: number;
beforeAll(async () => {
  h = await startHarness({}, {}, { probe: { resolver, timeoutMs: 2_000 } });
  uas = await startSippUas('tcp');
  // A port that was free a moment ago and is closed now: connection refused.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
}, 120_000);
afterAll(async () => {
  await uas?.stop();
  await h?.stop();
});

const answering = () => `sbc.probe-fixture.net:${uas.port};transport=tcp`;
const silent = () => `gone.probe-fixture.net:${closedPort};transport=tcp`;

describe('destination probe', () => {
  it('warns by default: both verdicts in the status and the result, and the setup goes on', async () => {
    const started = await h.startInbound({ customerId: h.customer('probe-warn'), did: '+919812400001', destinations: [answering(), silent()], probe: 'warn' });
    const result = (await started.handle.result()) as InboundSetupResult;
    expect(result.probes?.map((p) => [p.destination, p.verdict])).toEqual([
      [answering(), 'reachable'],
      [silent(), 'unreachable'],
    ]);
    expect(result.probes?.[0]?.summary).toContain('200');
    const status = await started.handle.query(statusQuery);
    const step = status.steps.find((s) => s.name === 'probe-destinations');
    expect(step?.state).toBe('done');
    expect(step?.resource?.verdicts).toEqual([expect.stringContaining(answering()), expect.stringContaining(silent())]);
    expect(status.steps.map((s) => s.name)).toEqual(['validate', 'create-trunk', 'map-did', 'probe-destinations', 'add-destinations', 'verify']);
    await keepHistory('inbound-probed-warn', started.handle);
  });

  it('with require, waits for ops before Exotel is told an unreachable destination; a retry may correct it', async () => {
    const customerId = h.customer('probe-require');
    await h.mark();
    const started = await h.startInbound({ customerId, did: '+919812400011', destinations: [silent()], probe: 'require', opsDecisionTimeout: '1h' });
    for (;;) {
      const status = await started.handle.query(statusQuery);
      if (status.phase === 'awaiting-ops') {
        expect(status.awaitingOps).toMatchObject({ step: 'probe-destinations', correctable: ['destinations'] });
        expect(status.awaitingOps?.error).toContain(`nothing answers SIP at ${silent()}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    // Nothing was sent to Exotel about the destination yet.
    expect((await h.requestsSinceMark()).filter((r) => r.includes('destination-uris'))).toEqual([]);
    await started.handle.executeUpdate(decideUpdate, { args: [{ action: 'retry', corrections: { destinations: [answering()] }, note: 'the SBC moved' }] });
    const result = (await started.handle.result()) as InboundSetupResult;
    expect(result.probes?.map((p) => p.verdict)).toEqual(['reachable']);
    expect((await h.requestsSinceMark()).filter((r) => r.startsWith('POST') && r.includes('destination-uris'))).toEqual(['POST /trunks/{trunk}/destination-uris']);
  });

  it('with off, probes nothing', async () => {
    const started = await h.startInbound({ customerId: h.customer('probe-off'), did: '+919812400021', destinations: [silent()], probe: 'off' });
    const result = (await started.handle.result()) as InboundSetupResult;
    expect(result.probes).toBeUndefined();
    expect((await started.handle.query(statusQuery)).steps.map((s) => s.name)).not.toContain('probe-destinations');
  });
});

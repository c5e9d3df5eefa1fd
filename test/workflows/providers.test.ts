// Every platform through an outbound and an inbound setup against the simulator, with its handoff sheet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundDestinationsFor, PROVIDER_IDS, PROVIDERS, SIP_PASSWORD_PLACEHOLDER, type HandoffSheet } from '../../domain/providers';
import type { InboundSetupResult, OutboundSetupResult } from '../../domain/setup-result';
import { INBOUND_FIELDS } from '../support/provider-fields';
import { startHarness, type Harness } from '../support/setup-harness';
import { trunkctl } from '../support/trunkctl';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

const values = (sheet: HandoffSheet | undefined) => JSON.stringify(sheet?.sections.flatMap((s) => s.entries.map((e) => e.value)));

describe.each(PROVIDER_IDS.map((id, i) => [id, i] as const))('%s', (provider, i) => {
  it('sets up outbound and answers with its handoff sheet, password left out', async () => {
    const aclOnly = PROVIDERS[provider].outbound?.auth === 'acl-only';
    const started = await h.startOutbound({
      customerId: h.customer(`p-out-${provider}`),
      did: `+9198777${String(i).padStart(2, '0')}001`,
      provider,
      ...(aclOnly ? { providerIps: ['54.172.60.1'], allowAclWithDigest: true } : {}),
    });
    const result = (await started.handle.result()) as OutboundSetupResult;
    expect(result.handoff?.provider).toBe(provider);
    expect(result.handoff?.direction).toBe('outbound');
    expect(JSON.stringify(result.handoff)).not.toContain(result.sipPassword);
    // A platform that can only be admitted by IP gets no digest credentials to enter.
    if (!aclOnly) {
      expect(JSON.stringify(result.handoff)).toContain(SIP_PASSWORD_PLACEHOLDER);
      expect(values(result.handoff)).toContain(result.sipUserName);
    }
    expect(values(result.handoff)).toMatch(/in\.voip\.exotel\.com|sip:\S+\.pstn\.exotel\.com/);
  });

  it('sets up inbound to the destination its profile derives, and answers with the console steps', async () => {
    const fields = INBOUND_FIELDS[provider];
    const started = await h.startInbound({ customerId: h.customer(`p-in-${provider}`), did: `+9198777${String(i).padStart(2, '0')}002`, provider, providerFields: fields, destinations: [] });
    const result = (await started.handle.result()) as InboundSetupResult;
    const trunk = (await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks.find((t) => t.trunk_sid === result.trunkSid);
    expect(trunk?.destination_uris.map((d) => d.destination.replace(/^sip:/, ''))).toEqual(inboundDestinationsFor(provider, fields));
    expect(result.handoff?.exotelConsoleSteps.join('\n')).toContain(`sip:${result.trunkSid}`);
  });
});

describe('trunkctl with a provider', () => {
  it('prints the sheet after --wait, and again with `handoff`, revealing the password only when asked', { timeout: 120_000 }, async () => {
    const customerId = h.customer('p-cli');
    const args = ['outbound', '--customer', customerId, '--account', h.exotelAccount.accountSid, '--did', '+919877799001', '--provider', 'livekit', '--ops-timeout', '0', '--wait'];
    const run = await trunkctl(args, { taskQueue: h.taskQueue });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('LiveKit');
    expect(run.stdout).toContain(SIP_PASSWORD_PLACEHOLDER);

    const again = await trunkctl(['handoff', customerId, '--json', '--reveal']);
    expect(again.code, again.stderr).toBe(0);
    const sheet = JSON.parse(again.stdout) as HandoffSheet;
    const result = (await h.client.workflow.getHandle(`trunk-setup-outbound-${customerId}`).result()) as OutboundSetupResult;
    expect(values(sheet)).toContain(result.sipPassword);
    const masked = await trunkctl(['handoff', customerId]);
    expect(masked.stdout).not.toContain(result.sipPassword);
  });

  it('refuses an unknown provider and missing fields before starting anything', async () => {
    const run = await trunkctl(['inbound', '--customer', 'pc1', '--account', h.exotelAccount.accountSid, '--did', '+919877799002', '--provider', 'nosuch']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('provider = "nosuch": must be one of the known platforms: elevenlabs, livekit');
  });
});

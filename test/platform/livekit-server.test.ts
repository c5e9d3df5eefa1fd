// The official LiveKit server SDK's SipClient against a real livekit-server (v1.9.11 --dev, with its own Redis; see
// test/support/livekit.ts): what the server stores and returns for the trunks and dispatch rules we provision.
//
// Observed on livekit-server 1.9.11 (self-hosted; LiveKit Cloud may differ) and livekit-server-sdk 2.19.2, which
// matters for create-or-adopt logic:
//   - a second inbound trunk with a number already on another inbound trunk (neither with allowedNumbers) is
//     rejected: ServerError, status 400, code 'invalid_argument', message 'Conflicting inbound SIP Trunks: "<new>"
//     and "ST_…", using the same number(s) ["+91…"] without AllowedNumbers set' (no 409/already_exists);
//   - a second outbound trunk with the same number is accepted (a new ST_ id: outbound numbers are not unique);
//   - a second dispatch rule for the same trunk (same numbers and PIN) is rejected: 400 'invalid_argument',
//     'Dispatch rule for the same trunk, inbound number, number, and PIN combination already exists in dispatch
//     rule "SDR_…" "<name>"';
//   - deleteSipTrunk of an id that does not exist SUCCEEDS (the server just HDELs; it answers { sipTrunkId }), so
//     deleting a trunk is idempotent and cannot tell "gone" from "deleted now";
//   - deleteSipDispatchRule of an id that does not exist throws ServerError, status 404, code 'not_found',
//     name 'Not Found', message 'twirp error unknown: requested sip dispatch rule does not exist';
//   - list calls return auth passwords in clear text, and unset fields at their proto defaults (e.g. outbound
//     mediaEncryption SIP_MEDIA_ENCRYPT_DISABLE = 0).
import { SIPMediaEncryption, SIPTransport } from '@livekit/protocol';
import { ServerError, SipClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveKit, type LiveKitServer } from '../support/livekit';

describe('livekit-server SIP API via livekit-server-sdk', () => {
  let server: LiveKitServer | undefined;
  let sip: SipClient;

  // The first run on a machine builds livekit-server from the Go module proxy (about 3 minutes on 2 cores).
  beforeAll(async () => {
    server = await startLiveKit();
    sip = new SipClient(server.url, server.apiKey, server.apiSecret);
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
  });

  /** Whatever a test created, so a failed assertion does not leave it for the next test's emptiness checks. */
  async function cleanUp(trunkIds: string[], ruleIds: string[]): Promise<void> {
    for (const id of ruleIds) await sip.deleteSipDispatchRule(id).catch(() => undefined);
    for (const id of trunkIds) await sip.deleteSipTrunk(id).catch(() => undefined);
  }

  async function expectNothingProvisioned(): Promise<void> {
    expect(await sip.listSipOutboundTrunk()).toEqual([]);
    expect(await sip.listSipInboundTrunk()).toEqual([]);
    expect(await sip.listSipDispatchRule()).toEqual([]);
  }

  it('creates, lists and deletes an outbound trunk, an inbound trunk and a dispatch rule', async () => {
    const trunkIds: string[] = [];
    const ruleIds: string[] = [];
    try {
      await expectNothingProvisioned();

      const outbound = await sip.createSipOutboundTrunk('acme-out', 'acme.sip.exotel.example:5061', ['+918047100001'], {
        transport: SIPTransport.SIP_TRANSPORT_TLS,
        authUsername: 'acme-user',
        authPassword: 'acme-pass',
      });
      trunkIds.push(outbound.sipTrunkId);
      expect(outbound.sipTrunkId).toMatch(/^ST_/);

      const inbound = await sip.createSipInboundTrunk('acme-in', ['+918047100002'], {
        mediaEncryption: SIPMediaEncryption.SIP_MEDIA_ENCRYPT_REQUIRE,
      });
      trunkIds.push(inbound.sipTrunkId);
      expect(inbound.sipTrunkId).toMatch(/^ST_/);
      expect(inbound.sipTrunkId).not.toBe(outbound.sipTrunkId);

      const rule = await sip.createSipDispatchRule(
        { type: 'individual', roomPrefix: 'acme-call-' },
        { name: 'acme-rule', trunkIds: [inbound.sipTrunkId] },
      );
      ruleIds.push(rule.sipDispatchRuleId);
      expect(rule.sipDispatchRuleId).toMatch(/^SDR_/);

      const outbounds = await sip.listSipOutboundTrunk();
      expect(outbounds).toHaveLength(1);
      expect(outbounds[0]).toMatchObject({
        sipTrunkId: outbound.sipTrunkId,
        name: 'acme-out',
        address: 'acme.sip.exotel.example:5061',
        transport: SIPTransport.SIP_TRANSPORT_TLS,
        numbers: ['+918047100001'],
        authUsername: 'acme-user',
        authPassword: 'acme-pass', // returned in clear text
        mediaEncryption: SIPMediaEncryption.SIP_MEDIA_ENCRYPT_DISABLE, // the default when not given
      });

      const inbounds = await sip.listSipInboundTrunk();
      expect(inbounds).toHaveLength(1);
      expect(inbounds[0]).toMatchObject({
        sipTrunkId: inbound.sipTrunkId,
        name: 'acme-in',
        numbers: ['+918047100002'],
        allowedAddresses: [],
        allowedNumbers: [],
        mediaEncryption: SIPMediaEncryption.SIP_MEDIA_ENCRYPT_REQUIRE, // stored as given
      });
      // Filtering by number finds the trunk that owns it (the adopt half of create-or-adopt).
      expect((await sip.listSipInboundTrunk({ numbers: ['+918047100002'] })).map((t) => t.sipTrunkId))
        .toEqual([inbound.sipTrunkId]);

      const rules = await sip.listSipDispatchRule();
      expect(rules).toHaveLength(1);
      expect(rules[0]).toMatchObject({
        sipDispatchRuleId: rule.sipDispatchRuleId,
        name: 'acme-rule',
        trunkIds: [inbound.sipTrunkId],
      });
      expect(rules[0]?.rule?.rule).toEqual({
        case: 'dispatchRuleIndividual',
        value: expect.objectContaining({ roomPrefix: 'acme-call-' }) as unknown,
      });
      expect((await sip.listSipDispatchRule({ trunkIds: [inbound.sipTrunkId] })).map((r) => r.sipDispatchRuleId))
        .toEqual([rule.sipDispatchRuleId]);

      expect((await sip.deleteSipDispatchRule(rule.sipDispatchRuleId)).sipDispatchRuleId).toBe(rule.sipDispatchRuleId);
      expect((await sip.deleteSipTrunk(inbound.sipTrunkId)).sipTrunkId).toBe(inbound.sipTrunkId);
      expect((await sip.deleteSipTrunk(outbound.sipTrunkId)).sipTrunkId).toBe(outbound.sipTrunkId);
      await expectNothingProvisioned();
    } finally {
      await cleanUp(trunkIds, ruleIds);
    }
  });

  it('rejects a second inbound trunk for a number another inbound trunk has (400 invalid_argument)', async () => {
    const first = await sip.createSipInboundTrunk('first', ['+918047100003']);
    try {
      const err: unknown = await sip.createSipInboundTrunk('second', ['+918047100003']).then(
        (second) => sip.deleteSipTrunk(second.sipTrunkId).then(() => 'accepted'),
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ServerError);
      expect(err).toMatchObject({ status: 400, code: 'invalid_argument' });
      expect((err as ServerError).message).toContain('Conflicting inbound SIP Trunks');
      expect((err as ServerError).message).toContain(first.sipTrunkId);
      expect((await sip.listSipInboundTrunk()).map((t) => t.sipTrunkId)).toEqual([first.sipTrunkId]);
    } finally {
      await cleanUp([first.sipTrunkId], []);
    }
    await expectNothingProvisioned();
  });

  it('accepts a second outbound trunk with the same number (outbound numbers are not unique)', async () => {
    const opts = { transport: SIPTransport.SIP_TRANSPORT_TLS };
    const ids: string[] = [];
    try {
      ids.push((await sip.createSipOutboundTrunk('first', 'a.example:5061', ['+918047100004'], opts)).sipTrunkId);
      ids.push((await sip.createSipOutboundTrunk('second', 'a.example:5061', ['+918047100004'], opts)).sipTrunkId);
      expect(new Set(ids).size).toBe(2);
      expect((await sip.listSipOutboundTrunk({ numbers: ['+918047100004'] })).map((t) => t.sipTrunkId).sort())
        .toEqual([...ids].sort());
    } finally {
      await cleanUp(ids, []);
    }
    await expectNothingProvisioned();
  });

  it('rejects a second dispatch rule for the same trunk (400 invalid_argument)', async () => {
    const trunk = await sip.createSipInboundTrunk('ruled', ['+918047100005']);
    const ruleIds: string[] = [];
    try {
      const rule = { type: 'individual', roomPrefix: 'call-' } as const;
      ruleIds.push((await sip.createSipDispatchRule(rule, { name: 'first', trunkIds: [trunk.sipTrunkId] })).sipDispatchRuleId);
      const err: unknown = await sip.createSipDispatchRule(rule, { name: 'second', trunkIds: [trunk.sipTrunkId] }).then(
        (second) => (ruleIds.push(second.sipDispatchRuleId), 'accepted'),
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ServerError);
      expect(err).toMatchObject({ status: 400, code: 'invalid_argument' });
      expect((err as ServerError).message).toContain('already exists in dispatch rule');
    } finally {
      await cleanUp([trunk.sipTrunkId], ruleIds);
    }
    await expectNothingProvisioned();
  });

  it('deleting a trunk that does not exist succeeds; deleting a missing dispatch rule is a 404 not_found', async () => {
    // Idempotent on this server: no error, it echoes the id.
    expect((await sip.deleteSipTrunk('ST_doesnotexist')).sipTrunkId).toBe('ST_doesnotexist');

    const err: unknown = await sip.deleteSipDispatchRule('SDR_doesnotexist').then(() => 'deleted', (e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ name: 'Not Found', status: 404, code: 'not_found' });
    expect((err as ServerError).message).toContain('requested sip dispatch rule does not exist');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  PROVIDER_IDS,
  PROVIDERS,
  SIP_PASSWORD_PLACEHOLDER,
  buildHandoffSheet,
  handoffSheetJson,
  inboundDestinationsFor,
  listProviders,
  outboundAclIpsFor,
  renderHandoffSheet,
  validateProviderInput,
  type HandoffEntry,
  type HandoffSheet,
  type HandoffSheetArgs,
  type ProviderId,
} from '../../domain/providers';
import { INBOUND_FIELDS } from '../support/provider-fields';
import type { Direction } from '../../domain/setup';
import type { InboundSetupResult, OutboundSetupResult } from '../../domain/setup-result';
import { InputValidationError } from '../../domain/issues';
import { isIpv4, normalizeDestination, rules } from '../../domain/rules';

const DID = '+919876543210';
const PASSWORD = 'Zq7_only_when_revealed_31';
const INDIA_EDGE = { host: 'in.voip.exotel.com', port: 443, transport: 'tls' } as const;

const OUTBOUND: OutboundSetupResult = {
  did: DID,
  trunkSid: 'trmum1outbound0001',
  trunkName: 'acme_oabc123',
  phoneNumberMappingId: 'map-1',
  credentialId: 'cred-1',
  aclEntryIds: [],
  sipEdge: INDIA_EDGE,
  sipDomain: 'acme_account.pstn.exotel.com',
  sipUserName: 'sipq1w2e3r4t5y',
  sipPassword: PASSWORD,
};

const INBOUND: InboundSetupResult = {
  did: '+919876543210',
  trunkSid: 'trmum1inbound0001',
  trunkName: 'acme_iabc123',
  trunkCreated: true,
  phoneNumberMappingId: 'map-2',
  destinationIds: ['dest-1'],
  connectAppletDialWhom: 'sip:trmum1inbound0001',
};


const DIGEST_PROVIDERS = PROVIDER_IDS.filter((id) => PROVIDERS[id].outbound?.auth !== 'acl-only');
const EVERY_SHEET = PROVIDER_IDS.flatMap((id) => (['outbound', 'inbound'] as const).map((d) => [id, d] as const));

function sheetFor(provider: ProviderId, direction: Direction, extra: Partial<HandoffSheetArgs> = {}): HandoffSheet {
  return buildHandoffSheet({
    provider,
    direction,
    fields: direction === 'inbound' ? INBOUND_FIELDS[provider] : {},
    outbound: OUTBOUND,
    inbound: INBOUND,
    did: DID,
    ...extra,
  });
}

function entriesOf(sheet: HandoffSheet, label: string): HandoffEntry[] {
  return sheet.sections.flatMap((s) => s.entries.filter((e) => e.label === label));
}

function entry(sheet: HandoffSheet, label: string): HandoffEntry {
  const [found, ...more] = entriesOf(sheet, label);
  if (!found) throw new Error(`no entry ${label} in ${sheet.provider} ${sheet.direction}`);
  expect(more.map((e) => e.value).filter((v) => v !== found.value)).toEqual([]);
  return found;
}

describe('catalog', () => {
  it('holds the eleven platforms, each in both directions', () => {
    expect(PROVIDER_IDS).toEqual([
      'elevenlabs',
      'livekit',
      'retell',
      'bolna',
      'pipecat-daily',
      'smallest-atoms',
      'vocallabs',
      'rapida',
      'nlpearl',
      'vapi',
      'ultravox',
    ]);
    for (const summary of listProviders()) expect(summary.directions).toEqual(['outbound', 'inbound']);
  });

  it.each(PROVIDER_IDS.flatMap((id) => PROVIDERS[id].fields.map((f) => [id, f.key] as const)))(
    "%s's %s example passes its own rule",
    (id, key) => {
      const spec = PROVIDERS[id].fields.find((f) => f.key === key)!;
      for (const direction of spec.usedFor) {
        expect(validateProviderInput({ direction, provider: id, fields: { ...INBOUND_FIELDS[id], [key]: spec.example } })).toEqual([]);
      }
    },
  );

  it('summarizes outbound auth, inbound targets and warnings for `trunkctl providers`', () => {
    const byId = Object.fromEntries(listProviders().map((s) => [s.id, s]));
    expect(byId.bolna?.outboundAuth).toBe('digest-or-acl');
    expect(byId['pipecat-daily']?.outboundAuth).toBe('acl-only');
    expect(byId['pipecat-daily']?.warning).toMatch(/only by source IP.*allowAclWithDigest/);
    expect(byId.vocallabs?.warning).toMatch(/publishes no inbound SIP URI/);
    expect(byId.rapida?.warning).toMatch(/unverified.*native streaming/);
    expect(byId.livekit?.warning).toBeUndefined();
    // Whose side a setup configures by API (domain/platform-side.ts), and whose stays the sheet.
    expect(byId.livekit?.platformSide).toBe('api');
    expect([byId.vocallabs?.platformSide, byId.rapida?.platformSide, byId.nlpearl?.platformSide]).toEqual(['manual', 'manual', 'manual']);
    // Daily dials out per call and Atoms returns no origination URL: those directions keep the sheet.
    expect(Object.fromEntries(['livekit', 'bolna', 'pipecat-daily', 'smallest-atoms', 'vocallabs'].map((id) => [id, byId[id]?.apiDirections]))).toEqual({
      livekit: ['outbound', 'inbound'],
      bolna: ['outbound', 'inbound'],
      'pipecat-daily': ['inbound'],
      'smallest-atoms': ['outbound'],
      vocallabs: [],
    });
    expect(byId.livekit?.inboundTarget).toContain('<subdomain>.<region>.sip.livekit.cloud:5061;transport=tls');
    expect(byId.nlpearl?.inboundTarget).toBe('the destination you give in providerFields.sipDomain');
    expect(byId.vapi?.outboundAuth).toBe('digest-or-acl');
    expect(byId.vapi?.inboundTarget).toContain('<credentialId>.sip.vapi.ai:5060;transport=tcp');
    expect(byId.vapi?.warning).toMatch(/outbound: .*TRAI.* inbound: .*TRAI/);
    expect(byId.ultravox?.inboundTarget).toBe('the destination you give in providerFields.sipDomain');
    expect(byId.ultravox?.warning).toMatch(/^inbound: .*toUserPattern/);
    for (const id of ['elevenlabs', 'livekit', 'retell', 'smallest-atoms', 'vocallabs', 'rapida', 'nlpearl', 'ultravox']) {
      expect(byId[id]?.outboundAuth).toBe('digest');
    }
  });
});

describe('inbound destinations', () => {
  it.each(PROVIDER_IDS)('%s: each derived destination is a valid, normalized Exotel destination over TCP or TLS', (id) => {
    const destinations = inboundDestinationsFor(id, INBOUND_FIELDS[id]);
    expect(destinations.length).toBeGreaterThan(0);
    for (const d of destinations) {
      expect(rules.destination(d)).toBeNull();
      expect(d).toBe(normalizeDestination(d));
      expect(d).toMatch(/;transport=(tls|tcp)$/);
    }
  });

  it.each([
    ['livekit', { subdomain: 'abcd1234efgh', region: 'india' }, 'abcd1234efgh.india.sip.livekit.cloud:5061;transport=tls'],
    ['livekit', { subdomain: 'abcd1234efgh' }, 'abcd1234efgh.sip.livekit.cloud:5061;transport=tls'],
    ['livekit', { subdomain: 'abcd1234efgh', transport: 'tcp' }, 'abcd1234efgh.sip.livekit.cloud:5060;transport=tcp'],
    ['elevenlabs', {}, 'sip.rtc.elevenlabs.io:5061;transport=tls'],
    ['elevenlabs', { transport: 'tcp' }, 'sip.rtc.elevenlabs.io:5060;transport=tcp'],
    ['elevenlabs', { residency: 'in' }, 'sip.rtc.in.residency.elevenlabs.io:5061;transport=tls'],
    ['elevenlabs', { residency: 'in', sipStack: 'sip-static' }, 'sip-static.rtc.in.residency.elevenlabs.io:5061;transport=tls'],
    ['elevenlabs', { residency: 'eu', sipStack: 'sip-static', transport: 'tcp' }, 'sip-static.rtc.eu.residency.elevenlabs.io:5060;transport=tcp'],
    ['elevenlabs', { sipStack: 'sip-static' }, 'sip-static.rtc.elevenlabs.io:5061;transport=tls'],
    ['retell', {}, 'sip.retellai.com:5060;transport=tcp'],
    ['retell', { transport: 'tls' }, 'sip.retellai.com:5061;transport=tls'],
    ['bolna', {}, 'trunk.bolna.ai:5060;transport=tcp'],
    ['bolna', { edge: 'legacy' }, 'sip.bolna.ai:5060;transport=tcp'],
    ['bolna', { edge: 'legacy', transport: 'tls' }, 'sip.bolna.ai:5061;transport=tls'],
    ['rapida', {}, 'sip-01.in.rapida.ai:5060;transport=tcp'],
    ['nlpearl', { sipDomain: 'sip:Tenant.Example.com:5061;transport=TLS' }, 'tenant.example.com:5061;transport=tls'],
    ['smallest-atoms', { originationUrl: 'abcd.sip.livekit.cloud:5060;transport=tcp' }, 'abcd.sip.livekit.cloud:5060;transport=tcp'],
    ['pipecat-daily', { sipUri: 'sip:x-y.siptrunk.sip-us.daily.co:5061;transport=tls' }, 'x-y.siptrunk.sip-us.daily.co:5061;transport=tls'],
    ['vocallabs', { sipTarget: 'sip.vl.example.com:5060;transport=tcp' }, 'sip.vl.example.com:5060;transport=tcp'],
    ['vapi', { credentialId: '3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f' }, '3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f.sip.vapi.ai:5060;transport=tcp'],
    ['vapi', { credentialId: '3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f', transport: 'tls' }, '3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f.sip.vapi.ai:5061;transport=tls'],
    ['vapi', { credentialId: 'abc-123', region: 'eu' }, 'abc-123.sip.eu.vapi.ai:5060;transport=tcp'],
    ['ultravox', { sipDomain: 'sip:Acct1234.sip.ultravox.ai:5060;transport=TCP' }, 'acct1234.sip.ultravox.ai:5060;transport=tcp'],
  ] as const)('%s with %j sends Exotel to %s', (id, fields, expected) => {
    expect(inboundDestinationsFor(id, fields)).toEqual([expected]);
  });

  it('throws the validation issues when the fields cannot make a destination', () => {
    expect(() => inboundDestinationsFor('livekit', {})).toThrow(InputValidationError);
    expect(() => inboundDestinationsFor('livekit', {})).toThrow(/providerFields\.subdomain/);
  });
});

describe('outbound ACL IPs', () => {
  it.each([
    [{ outboundAuth: 'acl' }, ['15.252.21.46', '13.206.230.198']],
    [{ outboundAuth: 'acl', edge: 'new' }, ['15.252.21.46', '13.206.230.198']],
    [{ outboundAuth: 'acl', edge: 'legacy' }, ['13.200.45.61']],
    [{ outboundAuth: 'digest' }, []],
    [{}, []],
  ] as const)("Bolna with %j allowlists Bolna's published static IPs %j", (fields, expected) => {
    const ips = outboundAclIpsFor('bolna', fields);
    expect(ips).toEqual(expected);
    for (const ip of ips) {
      expect(isIpv4(ip)).toBe(true);
      expect(rules.aclIp(`${ip}/32`)).toBeNull();
    }
  });

  it.each([
    [{ outboundAuth: 'acl' }, ['44.229.228.186', '44.238.177.138']],
    [{ outboundAuth: 'acl', region: 'us' }, ['44.229.228.186', '44.238.177.138']],
    [{ outboundAuth: 'acl', region: 'eu' }, ['63.182.83.170']],
    [{ region: 'eu' }, []],
  ] as const)("Vapi with %j allowlists Vapi's published SBC IPs %j", (fields, expected) => {
    expect(outboundAclIpsFor('vapi', fields)).toEqual(expected);
  });

  it.each(PROVIDER_IDS.filter((id) => id !== 'bolna' && id !== 'vapi'))('%s publishes no single static IPs to allowlist', (id) => {
    expect(outboundAclIpsFor(id, { outboundAuth: 'acl' })).toEqual([]);
  });
});

describe('validateProviderInput', () => {
  it('refuses an unknown platform, listing the known ones', () => {
    const issues = validateProviderInput({ direction: 'outbound', provider: 'nosuch', fields: {} });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ field: 'provider', value: 'nosuch' });
    for (const id of PROVIDER_IDS) expect(issues[0]?.rule).toContain(id);
  });

  it.each([
    ['livekit', 'inbound', {}, 'providerFields.subdomain', '(missing)', /required for inbound LiveKit Cloud setups: the LiveKit project id.*e\.g\. abcd1234efgh/],
    ['livekit', 'inbound', { subdomain: 'p_abcd1234' }, 'providerFields.subdomain', 'p_abcd1234', /without its p_ prefix/],
    ['livekit', 'inbound', { subdomain: 'abcd', region: 'mumbai' }, 'providerFields.region', 'mumbai', /one of: aus, eu, india, japan, sa, uk, us/],
    ['livekit', 'inbound', { subdomain: 'abcd', subdomian: 'x' }, 'providerFields.subdomian', 'x', /not a LiveKit Cloud field; its fields are subdomain, region, transport/],
    ['livekit', 'inbound', { subdomain: 42 }, 'providerFields.subdomain', '42', /must be a string/],
    ['elevenlabs', 'inbound', { residency: 'us' }, 'providerFields.residency', 'us', /one of: in, sg, eu/],
    ['elevenlabs', 'inbound', { sipStack: 'static' }, 'providerFields.sipStack', 'static', /one of: sip, sip-static/],
    ['elevenlabs', 'inbound', { transport: 'udp' }, 'providerFields.transport', 'udp', /one of: tls, tcp/],
    ['retell', 'inbound', { transport: 'udp' }, 'providerFields.transport', 'udp', /one of: tls, tcp/],
    ['bolna', 'inbound', { transport: 'tls' }, 'providerFields.transport', 'tls', /Bolna takes tcp at trunk\.bolna\.ai \(Exotel sends no UDP\)/],
    ['bolna', 'outbound', { edge: 'v3' }, 'providerFields.edge', 'v3', /one of: new, legacy/],
    ['bolna', 'outbound', { outboundAuth: 'ip' }, 'providerFields.outboundAuth', 'ip', /one of: digest, acl/],
    ['pipecat-daily', 'inbound', {}, 'providerFields.sipUri', '(missing)', /required for inbound.*sip_uri Daily returned/],
    ['pipecat-daily', 'inbound', { sipUri: 'sip:examplecorp-support.siptrunk.sip-us.daily.co' }, 'providerFields.sipUri', 'sip:examplecorp-support.siptrunk.sip-us.daily.co', /host:port;transport=tls.*Daily documents none/],
    ['smallest-atoms', 'inbound', {}, 'providerFields.originationUrl', '(missing)', /required for inbound.*SIP Origination URL/],
    ['smallest-atoms', 'inbound', { originationUrl: 'abcd.sip.livekit.cloud:5060;transport=udp' }, 'providerFields.originationUrl', 'abcd.sip.livekit.cloud:5060;transport=udp', /UDP is not supported/],
    ['vocallabs', 'inbound', { sipTarget: 'sip:agent@sip.vl.example.com:5061;transport=tls' }, 'providerFields.sipTarget', 'sip:agent@sip.vl.example.com:5061;transport=tls', /no user part/],
    ['nlpearl', 'inbound', {}, 'providerFields.sipDomain', '(missing)', /required for inbound.*SIP Domain/],
    ['nlpearl', 'inbound', { sipDomain: 'tenant.sip.example.com' }, 'providerFields.sipDomain', 'tenant.sip.example.com', /host:port;transport=tls.*TLS \(SRTP\) toggle/],
    ['rapida', 'inbound', { transport: 'tcp' }, 'providerFields.transport', 'tcp', /Rapida AI takes no fields/],
    ['vapi', 'inbound', {}, 'providerFields.credentialId', '(missing)', /required for inbound Vapi setups: the id Vapi returned/],
    ['vapi', 'inbound', { credentialId: 'cred_1' }, 'providerFields.credentialId', 'cred_1', /id of the Vapi credential/],
    ['vapi', 'outbound', { region: 'in' }, 'providerFields.region', 'in', /one of: us, eu/],
    ['ultravox', 'inbound', {}, 'providerFields.sipDomain', '(missing)', /required for inbound.*GET https:\/\/api\.ultravox\.ai\/api\/sip/],
    ['ultravox', 'inbound', { sipDomain: 'acct1234.sip.ultravox.ai' }, 'providerFields.sipDomain', 'acct1234.sip.ultravox.ai', /:5060;transport=tcp/],
  ] as const)('%s %s %j: %s = %s is refused', (provider, direction, fields, field, value, rule) => {
    const issues = validateProviderInput({ direction, provider, fields });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ field, value });
    expect(issues[0]?.rule).toMatch(rule);
  });

  it('reports every problem of one input together', () => {
    const issues = validateProviderInput({ direction: 'inbound', provider: 'livekit', fields: { region: 'mars', extra: '1' } });
    expect(issues.map((i) => i.field)).toEqual(['providerFields.extra', 'providerFields.subdomain', 'providerFields.region']);
  });

  it('refuses fields that are not an object', () => {
    const issues = validateProviderInput({ direction: 'inbound', provider: 'livekit', fields: 'abcd' as unknown as Record<string, unknown> });
    expect(issues).toEqual([{ field: 'providerFields', value: 'abcd', rule: "must be an object of the platform's fields" }]);
  });

  it('requires inbound fields only for inbound setups', () => {
    expect(validateProviderInput({ direction: 'outbound', provider: 'livekit', fields: undefined })).toEqual([]);
    expect(validateProviderInput({ direction: 'outbound', provider: 'nlpearl', fields: {} })).toEqual([]);
  });
});

describe('an IP allowlist next to digest credentials', () => {
  it.each(DIGEST_PROVIDERS)('%s: providerIps are refused with Exotel\'s auth-precedence warning unless allowed', (provider) => {
    const issues = validateProviderInput({ direction: 'outbound', provider, fields: {}, providerIps: ['203.0.113.50'] });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ field: 'providerIps', value: '["203.0.113.50"]' });
    expect(issues[0]?.rule).toMatch(/always creates digest credentials/);
    expect(issues[0]?.rule).toMatch(/source IP may become the primary trust signal/);
    expect(issues[0]?.rule).toMatch(/allowAclWithDigest/);
    expect(
      validateProviderInput({ direction: 'outbound', provider, fields: {}, providerIps: ['203.0.113.50'], allowAclWithDigest: true }),
    ).toEqual([]);
    expect(validateProviderInput({ direction: 'outbound', provider, fields: {} })).toEqual([]);
  });

  it("refuses Bolna's ACL choice the same way, since digest credentials are created anyway", () => {
    const issues = validateProviderInput({ direction: 'outbound', provider: 'bolna', fields: { outboundAuth: 'acl' } });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ field: 'providerFields.outboundAuth', value: 'acl' });
    expect(issues[0]?.rule).toMatch(/primary trust signal/);
    expect(
      validateProviderInput({ direction: 'outbound', provider: 'bolna', fields: { outboundAuth: 'acl' }, allowAclWithDigest: true }),
    ).toEqual([]);
  });

  it('needs IPs for Pipecat via Daily, which cannot answer digest, and still refuses the mix unless allowed', () => {
    const missing = validateProviderInput({ direction: 'outbound', provider: 'pipecat-daily', fields: {} });
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({ field: 'providerIps', value: '(missing)' });
    expect(missing[0]?.rule).toMatch(/cannot answer Exotel's digest challenge/);
    const mixed = validateProviderInput({ direction: 'outbound', provider: 'pipecat-daily', fields: {}, providerIps: ['198.51.100.7'] });
    expect(mixed.map((i) => i.field)).toEqual(['providerIps']);
    expect(mixed[0]?.rule).toMatch(/primary trust signal/);
    expect(
      validateProviderInput({
        direction: 'outbound',
        provider: 'pipecat-daily',
        fields: {},
        providerIps: ['198.51.100.7'],
        allowAclWithDigest: true,
      }),
    ).toEqual([]);
  });

  it('does not apply to inbound setups, which allowlist nothing', () => {
    expect(validateProviderInput({ direction: 'inbound', provider: 'retell', fields: {}, providerIps: ['203.0.113.50'] })).toEqual([]);
  });
});

describe('handoff sheets', () => {
  it.each(EVERY_SHEET)('%s %s: every value is filled and the password stays out unless revealed', (provider, direction) => {
    const sheet = sheetFor(provider, direction);
    const text = renderHandoffSheet(sheet);
    const json = JSON.stringify(handoffSheetJson(sheet));
    for (const shown of [text, json, JSON.stringify(sheet)]) {
      expect(shown).not.toContain(PASSWORD);
      expect(shown).not.toMatch(/\{\{|\}\}|undefined|\[object/);
    }
    expect(sheet.sections.length).toBeGreaterThan(1);
    expect(sheet.providerName).toBe(PROVIDERS[provider].name);
    const secrets = sheet.sections.flatMap((s) => s.entries.filter((e) => e.secret));
    for (const secret of secrets) expect(secret.value).toBe(SIP_PASSWORD_PLACEHOLDER);
    if (secrets.length > 0) {
      const reveal = { sipPassword: PASSWORD };
      expect(renderHandoffSheet(sheet, { reveal })).toContain(PASSWORD);
      expect(renderHandoffSheet(sheet, { reveal })).not.toContain(SIP_PASSWORD_PLACEHOLDER);
      expect(JSON.stringify(handoffSheetJson(sheet, { reveal }))).toContain(PASSWORD);
      expect(JSON.stringify(sheet)).not.toContain(PASSWORD);
    }
  });

  it.each(EVERY_SHEET)('%s %s: a sheet built before any setup ran marks what is still to come', (provider, direction) => {
    const fields = direction === 'inbound' ? INBOUND_FIELDS[provider] : {};
    const sheet = buildHandoffSheet({ provider, direction, fields });
    const text = renderHandoffSheet(sheet);
    expect(text).not.toMatch(/\{\{|\}\}|undefined|\[object/);
    expect(text).not.toContain('in.voip.exotel.com:443');
    expect(sheet.sections.map((s) => s.title)).not.toContain('Exotel side');
  });

  it.each(DIGEST_PROVIDERS)('%s outbound: the sheet carries the digest user name and a password slot', (provider) => {
    const sheet = sheetFor(provider, 'outbound');
    const values = sheet.sections.flatMap((s) => s.entries.map((e) => e.value));
    expect(values).toContain(OUTBOUND.sipUserName);
    expect(values).toContain(SIP_PASSWORD_PLACEHOLDER);
  });

  it('LiveKit outbound trunk: address is the Exotel edge, auth is the Exotel credential, numbers are E.164', () => {
    const sheet = sheetFor('livekit', 'outbound');
    // CreateSIPOutboundTrunkRequest wraps the trunk's fields in `trunk` (livekit_sip.proto, 2026-08).
    expect(sheet.sections[0]?.where).toMatch(/"trunk": \{/);
    expect(entry(sheet, 'trunk.address').value).toBe('in.voip.exotel.com:443');
    expect(entry(sheet, 'trunk.transport').value).toBe('SIP_TRANSPORT_TLS');
    expect(entry(sheet, 'trunk.numbers').value).toBe('["+919876543210"]');
    expect(entry(sheet, 'trunk.auth_username').value).toBe(OUTBOUND.sipUserName);
    expect(entry(sheet, 'trunk.auth_password').secret).toBe(true);
    expect(entry(sheet, 'trunk.destination_country').value).toBe('in');
    expect(sheet.pitfalls.join('\n')).toMatch(/X-Exotel-ErrorCode: 4001/);
    expect(sheet.pitfalls.join('\n')).toMatch(/must be E\.164/);
  });

  it('LiveKit inbound: trunk numbers, a dispatch rule, and the Flow that dials the trunk', () => {
    const sheet = sheetFor('livekit', 'inbound');
    expect(entry(sheet, 'trunk.numbers').value).toBe('["+919876543210"]');
    expect(sheet.sections.map((s) => s.title)).toContain('Create the dispatch rule (once, not per call)');
    // The dispatch rule's fields nest under dispatch_rule; the top-level ones are deprecated (protocol PR #869).
    const rule = sheet.sections.find((s) => s.title.startsWith('Create the dispatch rule'))!;
    expect(rule.entries.map((e) => e.label)).toEqual([
      'dispatch_rule.rule.dispatch_rule_individual.room_prefix',
      'dispatch_rule.trunk_ids',
      'dispatch_rule.room_config.agents[0].agent_name',
    ]);
    expect(rule.where).toMatch(/"dispatch_rule": \{.*deprecated/);
    expect(sheet.pitfalls.join('\n')).toMatch(/leading \+ is optional/);
    expect(entry(sheet, 'Destination URIs').value).toBe('abcd1234efgh.india.sip.livekit.cloud:5061;transport=tls');
    expect(sheet.exotelConsoleSteps[0]).toContain('sip:trmum1inbound0001');
    expect(sheet.exotelConsoleSteps[1]).toContain(DID);
    expect(sheet.pitfalls.join('\n')).not.toMatch(/No region pin/);
    const unpinned = sheetFor('livekit', 'inbound', { fields: { subdomain: 'abcd1234efgh' } });
    expect(unpinned.pitfalls.join('\n')).toMatch(/No region pin/);
  });

  it('Retell import: termination_uri is the Exotel edge with the Exotel credential', () => {
    const sheet = sheetFor('retell', 'outbound');
    expect(entry(sheet, 'termination_uri').value).toBe('in.voip.exotel.com:443');
    expect(entry(sheet, 'transport').value).toBe('TLS');
    expect(entry(sheet, 'sip_trunk_auth_username').value).toBe(OUTBOUND.sipUserName);
    expect(entry(sheet, 'sip_trunk_auth_password').value).toBe(SIP_PASSWORD_PLACEHOLDER);
  });

  it('Retell inbound without an outbound setup says where the termination values come from', () => {
    const sheet = buildHandoffSheet({ provider: 'retell', direction: 'inbound', fields: {}, inbound: INBOUND, did: DID });
    expect(entry(sheet, 'termination_uri').value).toMatch(/from the outbound setup/);
    expect(sheet.pitfalls.join('\n')).toMatch(/refuses to import a number without a termination URI/);
  });

  it('ElevenLabs import: outbound_trunk_config points at the Exotel edge', () => {
    const sheet = sheetFor('elevenlabs', 'outbound');
    expect(entry(sheet, 'provider').value).toBe('sip_trunk');
    expect(entry(sheet, 'outbound_trunk_config.address').value).toBe('in.voip.exotel.com:443');
    expect(entry(sheet, 'outbound_trunk_config.transport').value).toBe('tls');
    expect(entry(sheet, 'outbound_trunk_config.credentials.username').value).toBe(OUTBOUND.sipUserName);
    const overTcp = sheetFor('elevenlabs', 'outbound', {
      outbound: { ...OUTBOUND, sipEdge: { host: 'in.voip.exotel.com', port: 5070, transport: 'tcp' } },
    });
    expect(entry(overTcp, 'outbound_trunk_config.address').value).toBe('in.voip.exotel.com:5070');
    expect(entry(overTcp, 'outbound_trunk_config.transport').value).toBe('tcp');
  });

  it('NLPearl Custom VoIP: SIP Trunk URL is the account SIP domain, with digest and REFER off', () => {
    const sheet = sheetFor('nlpearl', 'outbound');
    expect(entry(sheet, 'SIP Trunk URL').value).toBe('sip:acme_account.pstn.exotel.com');
    expect(entry(sheet, 'Credentials Authentication').value).toBe('on');
    expect(entry(sheet, 'Username').value).toBe(OUTBOUND.sipUserName);
    expect(entry(sheet, 'SIP REFER').value).toBe('off');
    expect(sheet.pitfalls.join('\n')).toMatch(/Keep SIP REFER off/);
  });

  it("Bolna's new trunks speak TCP only, so the gateway is Exotel's TCP port on the same edge", () => {
    const sheet = sheetFor('bolna', 'outbound');
    expect(entry(sheet, 'host').value).toBe('in.voip.exotel.com');
    expect(entry(sheet, 'port').value).toBe('5070');
    expect(entry(sheet, 'transport').value).toBe('tcp');
    expect(entry(sheet, 'auth_username').value).toBe(OUTBOUND.sipUserName);
    expect(sheet.pitfalls.join('\n')).toMatch(/uses Exotel's TCP port 5070 on in\.voip\.exotel\.com/);
    expect(sheet.pitfalls.join('\n')).toMatch(/docs disagree on SRTP/);
  });

  it('Bolna legacy trunks take the TLS edge as the gateway, with userpass auth', () => {
    const sheet = sheetFor('bolna', 'outbound', { fields: { edge: 'legacy' } });
    expect(entry(sheet, 'gateways[0].gateway_address').value).toBe('in.voip.exotel.com');
    expect(entry(sheet, 'gateways[0].port').value).toBe('443');
    expect(entry(sheet, 'transport').value).toBe('transport-tls');
    expect(entry(sheet, 'auth_type').value).toBe('userpass');
  });

  it("Bolna with ACL auth: no credentials on Bolna's side, and the auth-precedence warning", () => {
    const sheet = sheetFor('bolna', 'outbound', { fields: { outboundAuth: 'acl' } });
    expect(entriesOf(sheet, 'auth_username')).toEqual([]);
    expect(entriesOf(sheet, 'auth_password')).toEqual([]);
    expect(entry(sheet, 'auth_username / auth_password').note).toContain('15.252.21.46, 13.206.230.198');
    expect(sheet.pitfalls.join('\n')).toMatch(/primary trust signal/);
    expect(sheet.pitfalls.join('\n')).not.toMatch(/not among Bolna's published/);
  });

  it('warns about allowlisted IPs the platform does not publish', () => {
    const livekit = sheetFor('livekit', 'outbound', { providerIps: ['203.0.113.50/32'] });
    expect(livekit.pitfalls.join('\n')).toMatch(/LiveKit Cloud publishes no single static egress IPs: make sure 203\.0\.113\.50 belong to it/);
    expect(livekit.pitfalls.join('\n')).toMatch(/primary trust signal/);
    const bolna = sheetFor('bolna', 'outbound', { providerIps: ['203.0.113.50', '15.252.21.46'] });
    expect(bolna.pitfalls.join('\n')).toMatch(/Not among Bolna's published static IPs \(15\.252\.21\.46, 13\.206\.230\.198\): 203\.0\.113\.50\./);
    expect(sheetFor('livekit', 'outbound').pitfalls.join('\n')).not.toMatch(/primary trust signal/);
  });

  it('Smallest import: the termination URL is the Exotel edge with its transport', () => {
    const sheet = sheetFor('smallest-atoms', 'outbound');
    expect(entry(sheet, 'sipTerminationUrl').value).toBe('sip:in.voip.exotel.com:443;transport=tls');
    expect(entry(sheet, 'sipUsername').value).toBe(OUTBOUND.sipUserName);
    const inbound = sheetFor('smallest-atoms', 'inbound');
    expect(entry(inbound, 'SIP Origination URL').value).toBe('abcd1234.sip.livekit.cloud:5061;transport=tls');
  });

  it('Pipecat via Daily dials the Exotel edge and warns that only IP auth is possible', () => {
    const sheet = sheetFor('pipecat-daily', 'outbound');
    expect(entry(sheet, 'sipUri').value).toBe('sip:<number to call, E.164>@in.voip.exotel.com:443;transport=tls');
    expect(sheet.pitfalls[0]).toMatch(/no digest user name or password.*only by source IP/);
  });

  it("LiveKit TLS trunks pair the signalling with media encryption (Exotel's TLS offers SRTP)", () => {
    const inbound = sheetFor('livekit', 'inbound'); // TLS by default
    expect(entry(inbound, 'trunk.media_encryption').value).toBe('SIP_MEDIA_ENCRYPT_ALLOW');
    expect(inbound.pitfalls.join('\n')).toMatch(/Over TLS, pair the signalling with media encryption.*SIP_MEDIA_ENCRYPT_ALLOW \(or REQUIRE\)/);
    const explicitTls = sheetFor('livekit', 'inbound', { fields: { ...INBOUND_FIELDS.livekit, transport: 'tls' } });
    expect(explicitTls.pitfalls.filter((p) => p.includes('pair the signalling with media encryption'))).toHaveLength(1);
    expect(entriesOf(explicitTls, 'trunk.media_encryption').map((e) => e.value)).toEqual(['SIP_MEDIA_ENCRYPT_ALLOW']);
    const overTcp = sheetFor('livekit', 'inbound', { fields: { ...INBOUND_FIELDS.livekit, transport: 'tcp' } });
    expect(entry(overTcp, 'trunk.media_encryption').value).toBe('SIP_MEDIA_ENCRYPT_DISABLE');
    expect(overTcp.pitfalls.join('\n')).not.toMatch(/pair the signalling with media encryption/);
    const outbound = sheetFor('livekit', 'outbound'); // the TLS edge in.voip.exotel.com:443
    expect(entry(outbound, 'trunk.transport').value).toBe('SIP_TRANSPORT_TLS');
    expect(entry(outbound, 'trunk.media_encryption').value).toBe('SIP_MEDIA_ENCRYPT_ALLOW');
    expect(outbound.pitfalls.join('\n')).toMatch(/media encryption/);
  });

  it("Daily's trunk name is lower-case letters and digits (Daily's rule), since it becomes part of the SIP host", () => {
    const name = entry(sheetFor('pipecat-daily', 'inbound'), 'trunk_name').value;
    expect(name).toBe('exotel919876543210');
    expect(name).toMatch(/^[a-z0-9]{3,63}$/);
    // And the host Daily builds from it is one Exotel accepts as a destination.
    expect(rules.destination(`examplecorp-${name}.siptrunk.sip-us.daily.co:5060;transport=tcp`)).toBeNull();
    expect(sheetFor('pipecat-daily', 'inbound').pitfalls.join('\n')).toMatch(/trunk_name.*3-63 lower-case letters and digits, no hyphens/);
  });

  it('Daily dial-out: approval is for phone-number destinations only; Pipecat Cloud starts with allow_dialout off', () => {
    const sheet = sheetFor('pipecat-daily', 'outbound');
    expect(sheet.sections[0]?.where).toMatch(/phone-number destinations only.*sip: URI needs none/);
    expect(sheet.pitfalls.join('\n')).toMatch(/allow_dialout off/);
  });

  it.each(['inbound', 'outbound'] as const)('Retell %s: each agent binding carries weight 1, and the credentials are optional', (direction) => {
    const sheet = sheetFor('retell', direction);
    const side = direction === 'inbound' ? 'inbound_agents' : 'outbound_agents';
    expect(entry(sheet, `${side}[0].weight`).value).toBe('1');
    expect(entry(sheet, `${side}[0].weight`).note).toMatch(/sum to 1/);
    expect(entry(sheet, 'sip_trunk_auth_username').note).toMatch(/optional on import/);
    expect(renderHandoffSheet(sheet)).toMatch(/weight/);
  });

  it('Retell outbound: both CIDR lists mean digest either way, and custom telephony dials 1 call per second', () => {
    const pitfalls = sheetFor('retell', 'outbound').pitfalls.join('\n');
    expect(pitfalls).toMatch(/18\.98\.16\.120\/30, 143\.223\.88\.0\/21, 161\.115\.160\.0\/19.*3\.42\.144\.0\/23.*digest only/);
    expect(pitfalls).toMatch(/1 call per second/);
  });

  it('ElevenLabs: the agent goes in the import body; residency hosts say which reading is official', () => {
    const inbound = sheetFor('elevenlabs', 'inbound', { fields: { residency: 'in' } });
    expect(inbound.sections[0]?.entries.map((e) => e.label)).toContain('agent_id');
    expect(inbound.pitfalls.join('\n')).toMatch(/documents only sip-static\.rtc\.in\.residency\.elevenlabs\.io.*third party.*sends to sip\.rtc\.in\.residency\.elevenlabs\.io:5061/);
    const pinned = sheetFor('elevenlabs', 'inbound', { fields: { residency: 'sg', sipStack: 'sip-static' } });
    expect(entry(pinned, 'Destination URIs').value).toBe('sip-static.rtc.sg.residency.elevenlabs.io:5061;transport=tls');
    expect(entry(pinned, 'livekit_stack').value).toBe('static');
    expect(entriesOf(inbound, 'livekit_stack')).toEqual([]);
    const outbound = sheetFor('elevenlabs', 'outbound');
    expect(entry(outbound, 'outbound_trunk_config.address').note).toMatch(/Hostname or IP/);
    expect(outbound.pitfalls.join('\n')).toMatch(/looped on 401.*livekit\/sip#817/);
  });

  it("Bolna: the new gateway endpoint, the legacy trunk's provider and A-law first, SRTP only as sdes over TLS", () => {
    const created = sheetFor('bolna', 'outbound');
    const gateway = created.sections.find((s) => s.title === "Add Exotel's edge as the gateway")!;
    expect(gateway.where).toMatch(/^POST https:\/\/api\.bolna\.ai\/trunk\/trunks\/\{trunk_id\}\/gateways \(at most 8/);
    expect(gateway.entries.map((e) => e.label)).toEqual(['host', 'port', 'priority']);
    for (const direction of ['outbound', 'inbound'] as const) {
      const legacy = sheetFor('bolna', direction, { fields: { edge: 'legacy' } });
      expect(entry(legacy, 'provider').value).toBe('exotel');
      expect(entry(legacy, 'allow').value).toBe('alaw,ulaw');
      expect(entry(legacy, 'media_encryption').value).toBe('no');
      expect(entry(legacy, 'media_encryption').note).toMatch(/sdes.*transport-tls/);
    }
  });

  it('Smallest: an imported SIP number is listed by all-numbers, and has no update or delete by API', () => {
    for (const direction of ['outbound', 'inbound'] as const) {
      const pitfalls = sheetFor('smallest-atoms', direction).pitfalls.join('\n');
      expect(pitfalls).toMatch(/no update or delete of an imported SIP number by API/);
      expect(pitfalls).toMatch(/GET \/product\/all-numbers lists it/);
    }
  });

  it.each(['vapi', 'ultravox'] as const)('%s is listed and gives a sheet in each direction it supports', (id) => {
    const summary = listProviders().find((s) => s.id === id);
    expect(summary?.directions).toEqual(['outbound', 'inbound']);
    for (const direction of summary?.directions ?? []) {
      const sheet = sheetFor(id, direction);
      expect(sheet.provider).toBe(id);
      expect(sheet.sections.length).toBeGreaterThan(1);
      expect(renderHandoffSheet(sheet)).not.toMatch(/\{\{|\}\}|undefined/);
    }
  });

  it("Vapi outbound: a BYO SIP trunk credential whose gateway is Exotel's edge, digest by default", () => {
    const sheet = sheetFor('vapi', 'outbound');
    expect(sheet.sections[0]?.where).toBe('POST https://api.vapi.ai/credential, Authorization: Bearer <private API key>');
    expect(entry(sheet, 'gateways[0].ip').value).toBe('in.voip.exotel.com');
    expect(entry(sheet, 'gateways[0].port').value).toBe('443');
    expect(entry(sheet, 'gateways[0].outboundProtocol').value).toBe('tls');
    expect(entry(sheet, 'gateways[0].inboundEnabled').value).toBe('false');
    expect(entry(sheet, 'outboundAuthenticationPlan.authUsername').value).toBe(OUTBOUND.sipUserName);
    expect(entry(sheet, 'outboundAuthenticationPlan.authPassword').secret).toBe(true);
    expect(sheet.pitfalls[0]).toMatch(/TRAI/);
    expect(sheet.pitfalls.join('\n')).not.toMatch(/shared by every Vapi customer/);
    const eu = sheetFor('vapi', 'outbound', { fields: { region: 'eu' } });
    expect(eu.sections.map((s) => s.where)).toEqual(expect.arrayContaining([expect.stringContaining('https://api.eu.vapi.ai/credential')]));
    expect(eu.sections.some((s) => s.where.includes('https://api.vapi.ai/'))).toBe(false);
  });

  it("Vapi with ACL: Exotel allowlists Vapi's SBC IPs and the sheet keeps digest, with the auth-precedence warning", () => {
    const sheet = sheetFor('vapi', 'outbound', { fields: { outboundAuth: 'acl' } });
    expect(entry(sheet, 'outboundAuthenticationPlan.authUsername').value).toBe(OUTBOUND.sipUserName);
    const pitfalls = sheet.pitfalls.join('\n');
    expect(pitfalls).toMatch(/44\.229\.228\.186, 44\.238\.177\.138\) are shared by every Vapi customer/);
    expect(pitfalls).toMatch(/primary trust signal/);
    expect(validateProviderInput({ direction: 'outbound', provider: 'vapi', fields: { outboundAuth: 'acl' } })[0]?.field).toBe(
      'providerFields.outboundAuth',
    );
  });

  it('Vapi inbound: Exotel sends to <credentialId>.sip.vapi.ai, and Vapi must list Exotel by IP', () => {
    const sheet = sheetFor('vapi', 'inbound');
    expect(entry(sheet, 'Destination URIs').value).toBe('3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f.sip.vapi.ai:5060;transport=tcp');
    expect(entry(sheet, 'gateways[n].ip').value).toMatch(/Exotel's signalling IPv4: ask Exotel/);
    expect(entry(sheet, 'number').value).toBe(DID);
    expect(sheet.pitfalls.join('\n')).toMatch(/bare sip\.vapi\.ai/);
  });

  it('Ultravox: outbound dials the Exotel edge in the SIP medium; inbound routes the DID by a toUserPattern', () => {
    const outbound = sheetFor('ultravox', 'outbound');
    expect(entry(outbound, 'medium.sip.outgoing.to').value).toBe('sip:<number to call, E.164>@in.voip.exotel.com:443;transport=tls');
    expect(entry(outbound, 'medium.sip.outgoing.from').value).toBe(DID);
    expect(entry(outbound, 'medium.sip.outgoing.username').value).toBe(OUTBOUND.sipUserName);
    const inbound = sheetFor('ultravox', 'inbound');
    const pattern = entry(inbound, 'allowedAgents[0].toUserPattern').value;
    expect(pattern).toBe('^\\+?919876543210$');
    expect(new RegExp(pattern).test('+919876543210') && new RegExp(pattern).test('919876543210')).toBe(true);
    expect(entry(inbound, 'Destination URIs').value).toBe('acct1234.sip.ultravox.ai:5060;transport=tcp');
    expect(inbound.pitfalls[0]).toMatch(/toUserPattern/);
  });

  it('VocalLabs and Rapida sheets lead with their warning', () => {
    expect(sheetFor('vocallabs', 'inbound').pitfalls[0]).toMatch(/publishes no inbound SIP URI/);
    expect(sheetFor('vocallabs', 'outbound').pitfalls[0]).toMatch(/documents no SIP termination/);
    expect(sheetFor('rapida', 'inbound').pitfalls[0]).toMatch(/unverified.*native streaming/);
    expect(sheetFor('rapida', 'outbound').pitfalls[0]).toMatch(/falls back to UDP/);
  });

  it('asks for the edge instead of inventing one when the account has none (Singapore)', () => {
    const sheet = sheetFor('livekit', 'outbound', { outbound: { ...OUTBOUND, sipEdge: null } });
    expect(entry(sheet, 'trunk.address').value).toBe('<Exotel edge host:port: ask Exotel>');
    expect(entry(sheet, 'trunk.transport').value).toMatch(/ask Exotel/);
    expect(entry(sheet, 'SIP edge').value).toBe('<none configured: ask Exotel>');
    expect(sheet.pitfalls.join('\n')).toMatch(/Singapore has no published edge/);
    expect(JSON.stringify(sheet.sections)).not.toContain('voip.exotel.com');
  });

  it('asks for another edge when the platform cannot use the one configured', () => {
    const sheet = sheetFor('bolna', 'outbound', {
      outbound: { ...OUTBOUND, sipEdge: { host: 'edge.example.com', port: 5061, transport: 'tls' } },
    });
    expect(entry(sheet, 'host').value).toBe('<Exotel edge host: ask Exotel for a TCP edge>');
    expect(sheet.pitfalls.join('\n')).toMatch(/Bolna cannot reach edge\.example\.com:5061 \(TLS\)/);
  });

  it('warns when an inbound destination is an IP literal', () => {
    const sheet = sheetFor('nlpearl', 'inbound', { fields: { sipDomain: '198.51.100.7:5061;transport=tls' } });
    expect(sheet.pitfalls.join('\n')).toMatch(/IP-literal destination/);
    expect(sheetFor('nlpearl', 'inbound').pitfalls.join('\n')).not.toMatch(/IP-literal destination/);
  });

  it('refuses fields that do not suit the platform', () => {
    expect(() => sheetFor('livekit', 'inbound', { fields: {} })).toThrow(InputValidationError);
  });

  it('reveal does not change the sheet it was given', () => {
    const sheet = sheetFor('retell', 'outbound');
    handoffSheetJson(sheet, { reveal: { sipPassword: PASSWORD } });
    expect(entry(sheet, 'sip_trunk_auth_password').value).toBe(SIP_PASSWORD_PLACEHOLDER);
  });
});

describe('docs/providers.md', () => {
  const doc = readFileSync(join(__dirname, '../../docs/providers.md'), 'utf8');

  it.each(PROVIDER_IDS)('covers %s and its fields', (id) => {
    expect(doc).toContain(`\`${id}\``);
    for (const field of PROVIDERS[id].fields) expect(doc).toContain(`\`${field.key}\``);
  });
});

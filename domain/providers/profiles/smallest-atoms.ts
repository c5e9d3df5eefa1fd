import type { ProviderProfile, SheetSectionSpec } from '../profile';

const IMPORT: SheetSectionSpec = {
  title: 'Import the number (Import SIP)',
  where:
    'Atoms → Phone Numbers → Import SIP, or POST https://api.smallest.ai/atoms/v1/product/import-phone-number, ' +
    'Authorization: Bearer <API key>',
  entries: [
    { label: 'phoneNumber', value: '{{did}}' },
    {
      label: 'sipTerminationUrl',
      value: 'sip:{{edge}};transport={{transport}}',
      note: "required in both directions; Atoms keeps only host:port and drops ;transport= (its 2026-07 changelog), so confirm with Smallest which transport it dials Exotel's edge with",
    },
    { label: 'sipUsername', value: '{{sipUserName}}' },
    { label: 'sipPassword', secret: true },
    { label: 'name', value: 'Exotel {{did}}' },
  ],
};

const ASSIGN_AGENT: SheetSectionSpec = {
  title: 'Answer with your agent',
  // PATCH /agent/{id} with telephonyProductId binds one by API [C] (smallest-ai-documentation); not done here yet.
  where: 'Atoms → Agent Settings → Phone Number (or PATCH /agent/{id} with telephonyProductId: [the import\'s id])',
  entries: [{ label: 'Phone Number', value: '{{did}}' }],
};

// smallest-ai-documentation openapi (phone-numbers) [C]: imported SIP numbers are listed by GET /product/all-numbers
// (under customProducts), not by GET /product/phone-numbers, and there is no update or delete of one.
const NO_DELETE =
  'Atoms has no update or delete of an imported SIP number by API: correct or remove it in the Atoms dashboard (Phone Numbers). GET /product/all-numbers lists it (GET /product/phone-numbers does not).';

export const smallestAtoms: ProviderProfile = {
  name: 'Smallest AI Atoms',
  fields: [
    {
      key: 'originationUrl',
      label: 'SIP Origination URL',
      description: 'the tenant SIP Origination URL Atoms shows after the number is imported, with its port and transport',
      usedFor: ['inbound'],
      requiredFor: ['inbound'],
      rule: {
        kind: 'destination',
        hint:
          'copy the SIP Origination URL Atoms shows after import; if it has no port or transport, ask Smallest which TCP or TLS port it takes',
      },
      example: 'abcd1234.sip.livekit.cloud:5061;transport=tls',
    },
  ],
  numberFormat: 'Atoms imports numbers in E.164 (+91…).',
  inbound: {
    // No API returns the origination URL [C]: the user copies it from the dashboard.
    targets: [{ kind: 'given', field: 'originationUrl' }],
    sheet: [
      IMPORT,
      ASSIGN_AGENT,
      {
        title: 'Copy the SIP Origination URL into this setup',
        where: 'Atoms → Phone Numbers → the imported number',
        entries: [
          {
            label: 'SIP Origination URL',
            value: '{{destination}}',
            note: 'this setup sends Exotel\'s calls here (providerFields.originationUrl)',
          },
        ],
      },
    ],
    pitfalls: [
      {
        text: 'Import the number before the inbound setup: the origination URL appears only afterwards, in the dashboard (no API returns it).',
      },
      { text: "Atoms' codecs and SRTP support are undocumented: confirm G.711 A-law with Smallest." },
      { text: NO_DELETE },
    ],
  },
  outbound: {
    auth: 'digest',
    // Egress IPs are not published; Atoms looks LiveKit-based, so they are likely dynamic [I].
    publishedIps: [],
    transports: [{ spelling: { tls: 'tls', tcp: 'tcp' } }],
    sheet: [IMPORT, ASSIGN_AGENT],
    pitfalls: [
      { text: "Atoms' codecs and SRTP support are undocumented: confirm G.711 A-law with Smallest." },
      { text: NO_DELETE },
    ],
  },
};

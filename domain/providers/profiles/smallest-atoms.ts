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
      note: 'required in both directions; Atoms documents no transport field, so the URI carries it (unverified)',
    },
    { label: 'sipUsername', value: '{{sipUserName}}' },
    { label: 'sipPassword', secret: true },
    { label: 'name', value: 'Exotel {{did}}' },
  ],
};

const ASSIGN_AGENT: SheetSectionSpec = {
  title: 'Answer with your agent',
  where: 'Atoms → Agent Settings → Phone Number (no API found)',
  entries: [{ label: 'Phone Number', value: '{{did}}' }],
};

// atoms-docs get-acquired-phone-numbers [C]: imported SIP numbers are not returned by GET /product/phone-numbers, so
// there is no documented read-back to verify an import.
const NO_READ_BACK =
  'Atoms has no documented read-back for an imported SIP number: GET /product/phone-numbers does not return imported SIP numbers. Check the import in the Atoms dashboard (Phone Numbers), and keep the id the import call returned.';

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
      { text: NO_READ_BACK },
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
      { text: NO_READ_BACK },
    ],
  },
};

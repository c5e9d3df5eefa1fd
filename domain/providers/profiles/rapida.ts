import type { ProviderProfile } from '../profile';

export const rapida: ProviderProfile = {
  name: 'Rapida AI',
  fields: [],
  numberFormat: 'Rapida takes the caller id (sip_caller_id) and numbers to call in E.164 (+91…).',
  inbound: {
    // Rapida reads the assistant id and API key from the INVITE's user part [C]; Exotel's destinations carry no
    // user part and Exotel is not known to answer digest [I], so this path is unverified.
    warning:
      "Rapida identifies the assistant from the INVITE's user part (sip:{assistantID}:{apiKey}@sip-01.in.rapida.ai); Exotel's destination URIs carry no user part, so this SIP path is unverified. Exotel recommends Rapida's native streaming instead, which needs no trunk.",
    // The SaaS edge takes UDP or TCP on 5060 [C]/[X]; Exotel's guide shows transport=udp, which Exotel refuses.
    targets: [{ kind: 'template', host: 'sip-01.in.rapida.ai', ports: { tcp: 5060 }, defaultTransport: 'tcp' }],
    sheet: [
      {
        title: 'Deploy the assistant on SIP',
        where: 'Rapida → your assistant → Deployment → Phone → SIP',
        entries: [
          { label: 'Assistant', value: '<assistant id>' },
          { label: 'Number', value: '{{did}}' },
          { label: 'Exotel sends to', value: '{{destination}}' },
        ],
      },
      {
        title: 'Or, recommended by Exotel: native streaming, no trunk',
        where: 'an Exotel Flow streaming applet instead of the Connect applet below',
        entries: [
          {
            label: 'Stream URL',
            value: 'https://websocket-01.in.rapida.ai/v1/talk/exotel/call/<assistant id>?x-api-key=<Rapida API key>',
          },
        ],
      },
    ],
    pitfalls: [{ text: 'Rapida prefers PCMU and also takes PCMA.' }],
  },
  outbound: {
    auth: 'digest',
    publishedIps: [],
    transports: [{ spelling: { tls: 'tls', tcp: 'tcp' } }],
    // Rapida's SIP code falls back to UDP when the transport is unset [C]; the SaaS default is not visible.
    warning:
      "Rapida's SIP transport is a server-side default that falls back to UDP, which Exotel refuses: confirm TCP or TLS with Rapida (or set it on a self-hosted deployment).",
    sheet: [
      {
        title: 'Store the SIP credential',
        where: 'Rapida → Credentials (vault) → SIP; then Deployment → Phone → SIP uses it',
        entries: [
          { label: 'sip_server', value: '{{edgeHost}}' },
          { label: 'sip_port', value: '{{edgePort}}' },
          { label: 'sip_username', value: '{{sipUserName}}' },
          { label: 'sip_password', secret: true },
          { label: 'sip_realm', value: '{{sipDomain}}' },
          { label: 'sip_domain', value: '{{sipDomain}}' },
          { label: 'sip_caller_id', value: '{{did}}' },
        ],
      },
      {
        title: 'Place a call',
        where: "POST https://api.rapida.ai/v1/talk/call (per Exotel's guide)",
        entries: [{ label: 'to number', value: '<number to call, E.164>' }],
      },
    ],
    pitfalls: [],
  },
};

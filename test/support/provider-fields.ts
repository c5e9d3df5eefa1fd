// Valid provider fields for each platform, shared by the catalog's unit tests and the setups run per provider.
import type { ProviderId } from '../../domain/providers';

/** Valid inbound fields for each platform. */
export const INBOUND_FIELDS: Record<ProviderId, Record<string, string>> = {
  elevenlabs: {},
  livekit: { subdomain: 'abcd1234efgh', region: 'india' },
  retell: {},
  bolna: {},
  'pipecat-daily': { sipUri: 'examplecorp-support.siptrunk.sip-us.daily.co:5060;transport=tcp' },
  'smallest-atoms': { originationUrl: 'abcd1234.sip.livekit.cloud:5061;transport=tls' },
  vocallabs: { sipTarget: 'sip.vocallabs.example.com:5061;transport=tls' },
  rapida: {},
  nlpearl: { sipDomain: 'tenant.sip.example.com:5061;transport=tls' },
  vapi: { credentialId: '3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f' },
  ultravox: { sipDomain: 'acct1234.sip.ultravox.ai:5060;transport=tcp' },
};

// One line per platform, for `trunkctl providers`.
import { isApiProvider, MANUAL_DIRECTIONS } from '../platform-side';
import type { Direction } from '../setup';
import { PROVIDER_IDS, PROVIDERS, type ProviderId } from './catalog';
import type { Condition, InboundTarget, OutboundAuth, ProviderProfile, Variant } from './profile';
import { describeHost } from './resolve';
import { PROVIDER_FIELDS } from './validate';

export interface ProviderSummary {
  id: ProviderId;
  name: string;
  directions: Direction[];
  outboundAuth: OutboundAuth | null;
  /** Where Exotel sends inbound calls, with `<field>` for what the user gives. */
  inboundTarget: string | null;
  /** `api`: a setup configures the platform's side too (with an account on the worker); `manual`: the sheet. */
  platformSide: 'api' | 'manual';
  /** With `api`: the directions it covers (the others keep the sheet, MANUAL_DIRECTIONS says why). */
  apiDirections: Direction[];
  /** Why a direction is unusual or unverified, when it is. */
  warning?: string;
}

export function listProviders(): ProviderSummary[] {
  return PROVIDER_IDS.map((id) => summarize(id, PROVIDERS[id]));
}

function summarize(id: ProviderId, profile: ProviderProfile): ProviderSummary {
  const directions = (['outbound', 'inbound'] as const).filter((d) => profile[d] !== undefined);
  const warnings = directions.flatMap((d) => {
    const warning = profile[d]?.warning;
    return warning ? [`${d}: ${warning}`] : [];
  });
  return {
    id,
    name: profile.name,
    directions,
    outboundAuth: profile.outbound?.auth ?? null,
    inboundTarget: profile.inbound ? profile.inbound.targets.map(describeTarget).join('; otherwise ') : null,
    platformSide: isApiProvider(id) ? 'api' : 'manual',
    apiDirections: isApiProvider(id) ? directions.filter((d) => !MANUAL_DIRECTIONS[id]?.[d]) : [],
    ...(warnings.length > 0 ? { warning: warnings.join(' ') } : {}),
  };
}

function describeTarget(target: Variant<InboundTarget>): string {
  const when = target.when ? ` (${describeCondition(target.when)})` : '';
  if (target.kind === 'given') return `the destination you give in ${PROVIDER_FIELDS}.${target.field}${when}`;
  const port = target.ports[target.defaultTransport];
  return `${describeHost(target.host)}:${port};transport=${target.defaultTransport}${when}`;
}

function describeCondition(condition: Condition): string {
  const field = `${PROVIDER_FIELDS}.${condition.field}`;
  if ('equals' in condition) return `${field} = ${condition.equals}`;
  return condition.given ? `with ${field}` : `without ${field}`;
}

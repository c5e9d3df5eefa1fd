// What people read: tables for terminals, with secrets masked unless asked for.
import { handoffSheetJson, listProviders, renderHandoffSheet, type ProviderSummary, type RevealOptions } from '../domain/providers';
import type { BatchProgress, BatchReport } from '../domain/batch';
import type { Direction, SetupStatus } from '../domain/setup';
import type { DestinationProbe, InboundSetupResult, OutboundSetupResult } from '../domain/setup-result';
import { PLATFORM_NAMES, type PlatformSideResult } from '../domain/platform-side';
import type { SetupListing } from '../client/ops';

const MASK = '******** (use --reveal to show)';

export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join('  ').trimEnd()).join('\n');
}

export function formatStatus(status: SetupStatus): string {
  const rows = [['STEP', 'STATE', 'RESOURCE', 'ERROR']];
  for (const s of status.steps) {
    const resource = Object.entries(s.resource ?? {})
      .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`)
      .join(' ');
    rows.push([s.name, s.state, resource, s.error ?? '']);
  }
  const lines = [`${status.direction} setup for ${status.customerId}: ${status.phase}`, table(rows)];
  const waiting = status.awaitingOps;
  if (waiting) {
    const fix = waiting.correctable.length ? ` (may correct: ${waiting.correctable.map((f) => `--${flagFor(f)}`).join(', ')})` : '';
    lines.push(
      '',
      `Waiting for a decision since ${waiting.since}; rolls back by itself at ${waiting.rollsBackAt}.`,
      `  step ${waiting.step} failed: ${waiting.error}`,
      `  trunkctl retry ${status.customerId} --direction ${status.direction}${fix}`,
      `  trunkctl rollback ${status.customerId} --direction ${status.direction}`,
    );
  }
  if (status.decisions.length) {
    lines.push('', 'Decisions:');
    for (const d of status.decisions) lines.push(`  ${d.at}  ${d.decision.action}${d.decision.note ? ` (${d.decision.note})` : ''}: ${d.outcome}`);
  }
  return lines.join('\n');
}

const FLAGS: Record<string, string> = { did: 'did', dids: 'did', providerIps: 'provider-ip', destinations: 'destination', trunkSid: 'trunk-sid' };
const flagFor = (field: string): string => FLAGS[field] ?? field;

export function formatListing(rows: SetupListing[]): string {
  if (rows.length === 0) return 'no setups match';
  return table([
    ['CUSTOMER', 'DIRECTION', 'STATE', 'FAILED STEP', 'ACCOUNT', 'PROVIDER', 'STARTED'],
    ...rows.map((r) => [r.customerId, r.direction, r.state, r.failedStep ?? '', r.exotelAccount, r.provider, r.startTime]),
  ]);
}

/** Hides the SIP password unless the operator asked to see it. */
export function maskOutbound(result: OutboundSetupResult, reveal: boolean): OutboundSetupResult {
  return reveal ? result : { ...result, sipPassword: MASK };
}

export function formatOutboundResult(result: OutboundSetupResult, reveal: boolean): string {
  const r = maskOutbound(result, reveal);
  const edge = r.sipEdge
    ? `${r.sipEdge.host}:${r.sipEdge.port} (${r.sipEdge.transport.toUpperCase()})`
    : '(none configured for this account: ask Exotel for your edge and set sipEdge on the account)';
  const side = r.platformSide;
  // By API the platform was given these already (and cross-checked): the table is the record, not a to-do.
  const given = side?.mode === 'api' && side.provider ? `${PLATFORM_NAMES[side.provider]} was given, by its API:` : 'Give the voice-AI platform:';
  return [
    `Outbound trunk ready. ${given}`,
    table([
      ['SIP server (Exotel edge)', edge],
      ['SIP domain / realm', r.sipDomain],
      ['Digest user name', r.sipUserName],
      ['Digest password', r.sipPassword],
      ['Caller number (E.164)', r.did],
    ]),
    '',
    table([
      ['Exotel trunk', `${r.trunkSid} (${r.trunkName})`],
      ['DID mapping id', r.phoneNumberMappingId],
      ['Credential id', r.credentialId],
      ['ACL entry ids', r.aclEntryIds.length ? r.aclEntryIds.join(', ') : '(none: digest only)'],
    ]),
  ].join('\n');
}

export function formatInboundResult(r: InboundSetupResult): string {
  const summary = [
    'Inbound trunk ready.',
    table([
      ['Exotel trunk', `${r.trunkSid}${r.trunkName ? ` (${r.trunkName})` : ''}${r.trunkCreated ? '' : ' (existing)'}`],
      ['DID mapping id', r.phoneNumberMappingId],
      ['Destination ids', r.destinationIds.join(', ')],
    ]),
  ];
  // A handoff sheet spells the console steps out in full.
  if (r.handoff) return summary.join('\n');
  return [
    ...summary,
    '',
    'Still to do in the Exotel console (no API exists for it):',
    `  1. Create a Flow with a Connect applet; in "Dial whom" enter ${r.connectAppletDialWhom}`,
    '  2. Assign the DID (ExoPhone) to that Flow.',
  ].join('\n');
}

/** What a handoff sheet may show: the SIP password only when asked, and only outbound setups have one. */
export function revealing(direction: Direction, result: OutboundSetupResult | InboundSetupResult, reveal: boolean): RevealOptions {
  const password = direction === 'outbound' ? (result as OutboundSetupResult).sipPassword : undefined;
  return reveal && password ? { reveal: { sipPassword: password } } : {};
}

/**
 * A setup's result for people (tables, then the handoff sheet) or for programs (JSON). The SIP password shows only
 * with `reveal`, in the result and in the sheet alike.
 */
export function formatResult(
  direction: Direction,
  result: OutboundSetupResult | InboundSetupResult,
  { json, reveal, workflowId }: { json: boolean; reveal: boolean; workflowId: string },
): string {
  const revealed = revealing(direction, result, reveal);
  if (json) {
    const shown = direction === 'outbound' ? maskOutbound(result as OutboundSetupResult, reveal) : result;
    return JSON.stringify({ workflowId, result: { ...shown, ...(result.handoff ? { handoff: handoffSheetJson(result.handoff, revealed) } : {}) } });
  }
  const tables = direction === 'outbound' ? formatOutboundResult(result as OutboundSetupResult, reveal) : formatInboundResult(result as InboundSetupResult);
  const extras = [...platformSideLines(result.platformSide), ...probeLines(direction === 'inbound' ? (result as InboundSetupResult).probes : undefined)];
  const body = extras.length ? `${tables}\n\n${extras.join('\n')}` : tables;
  return result.handoff ? `${body}\n\n${renderHandoffSheet(result.handoff, revealed)}` : body;
}

/** Who configured the platform's side: what this setup made there, or why the sheet is the way. */
function platformSideLines(side: PlatformSideResult | undefined): string[] {
  if (!side) return [];
  if (side.mode === 'manual') return [`Platform side: manual (the handoff sheet below)${side.reason ? `: ${side.reason}` : ''}`];
  return [
    `Platform side: configured by API with account ${side.account ?? '?'}, cross-checked with Exotel:`,
    ...side.objects.map((o) => `  ${o.kind}  ${o.name}  ${o.id}`),
    ...(side.unverified ? [`  Not verifiable by API: ${side.unverified}`] : []),
  ];
}

function probeLines(probes: DestinationProbe[] | undefined): string[] {
  if (!probes?.length) return [];
  return ['Destination probes (from the worker):', ...probes.map((p) => `  ${p.verdict === 'reachable' ? 'ok     ' : 'WARNING'}  ${p.destination}  ${p.summary}`)];
}

/** `by API`, `by API inbound` (the other direction keeps the sheet), or `sheet`. */
const platformSideOf = (p: ProviderSummary): string =>
  p.platformSide === 'manual' ? 'sheet' : p.apiDirections.length === p.directions.length ? 'by API' : `by API ${p.apiDirections.join('+')}`;

export function formatProviders(): string {
  return table([
    ['PROVIDER', 'NAME', 'DIRECTIONS', 'PLATFORM SIDE', 'OUTBOUND AUTH', 'INBOUND TARGET', 'WARNING'],
    ...listProviders().map((p) => [p.id, p.name, p.directions.join('+'), platformSideOf(p), p.outboundAuth ?? '-', p.inboundTarget ?? '-', p.warning ?? '']),
  ]);
}

/** `[#######.............]  1200/5000  24%  190/min  ETA 20m  failed 3  awaiting ops 1` */
export function progressLine(p: BatchProgress, minutes: number, doneAtStart: number): string {
  const total = p.total ?? 0;
  const share = total ? p.done / total : 0;
  const bar = '#'.repeat(Math.round(share * 30)).padEnd(30, '.');
  const rate = minutes > 0 ? (p.done - doneAtStart) / minutes : 0;
  const eta = rate > 0 && p.remaining !== null ? `${Math.ceil(p.remaining / rate)}m` : '?';
  const parts = [
    `[${bar}] ${p.done}/${p.total ?? '?'} ${Math.round(share * 100)}%`,
    `${Math.round(rate)}/min`,
    `ETA ${eta}`,
    `failed ${p.counts.failed}`,
    ...(p.awaitingOps ? [`awaiting ops ${p.awaitingOps}`] : []),
    ...(p.paused ? ['PAUSED'] : []),
  ];
  return parts.join('  ');
}

export function formatBatchReport(r: BatchReport): string {
  const c = r.counts;
  const lines = [
    `batch ${r.batchId}: ${r.total} rows`,
    table([
      ['succeeded', String(c.succeeded)],
      ['failed', String(c.failed)],
      ['skipped (already set up)', String(c.skipped)],
      ['duplicate rows', String(c.duplicates)],
      ['invalid rows', String(c.invalid)],
    ]),
    `report: ${r.reportFile}`,
    `summary: ${r.summaryFile}`,
  ];
  if (r.problems.length) {
    lines.push('', 'problems (first ones; the report has all):');
    for (const p of r.problems) lines.push(`  line ${p.line}: ${p.outcome}${p.customerId ? ` ${p.direction ?? ''} ${p.customerId}` : ''}: ${p.detail ?? ''}`);
  }
  return lines.join('\n');
}

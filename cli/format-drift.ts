// What people read of drift (docs/drift.md): a scan's report, a line's last scan result, an account's Schedule.
// Pure text from data: the commands in cli/commands/drift.ts fetch, these only word.
import { DRIFT_KINDS, type Difference, type DriftKind, type DriftReport, type LineDrift } from '../domain/drift-report';
import type { Direction } from '../domain/setup';

const PART_WORDS: Record<Difference['part'], string> = { trunk: 'trunk', number: 'number', credential: 'credential', acl: 'ACL entry', destination: 'destination', platform: 'platform object' };
const KIND_WORDS: Record<DriftKind, string> = { missing: 'missing', changed: 'changed', extra: 'extra', 'unmanaged-trunk': 'unmanaged trunk' };

/** Every difference of a report, listed or not. */
export const differenceCount = (report: Pick<DriftReport, 'byKind'>): number => DRIFT_KINDS.reduce((sum, k) => sum + report.byKind[k], 0);

/** One difference in words: "missing number +91…", "changed number +91…: mode flow, expected pstn". */
export function describeDifference(d: Difference): string {
  const part = PART_WORDS[d.part];
  switch (d.kind) {
    case 'unmanaged-trunk':
      return `unmanaged trunk ${d.item} (${d.trunkSid})`;
    case 'missing':
      return d.part === 'trunk' ? `missing trunk ${d.item} (${d.trunkSid}): the whole trunk is gone from Exotel` : `missing ${part} ${d.item}`;
    case 'changed':
      if (d.part === 'platform') return `platform ${d.item} disagrees with Exotel: ${d.found ?? '?'}`;
      return d.part === 'number'
        ? `changed number ${d.item}: mode ${d.found ?? '?'}, expected ${d.expected ?? '?'}`
        : `changed ${part} ${d.item}: now ${d.found ?? '?'}${d.expected && d.expected !== d.item ? `, expected ${d.expected}` : ''}`;
    case 'extra':
      return `extra ${part} ${d.item}`;
  }
}

const plural = (n: number, word: string, words = `${word}s`) => `${n} ${n === 1 ? word : words}`;

/** "2 missing, 0 changed, 1 extra, 1 unmanaged trunk": every kind, in the same order every time. */
export function formatByKind(byKind: Record<DriftKind, number>): string {
  return DRIFT_KINDS.map((k) => (k === 'unmanaged-trunk' ? plural(byKind[k], 'unmanaged trunk') : `${byKind[k]} ${KIND_WORDS[k]}`)).join(', ');
}

/** The differences grouped by line (customer and direction), then the trunks no line manages. */
export function formatDifferences(differences: readonly Difference[], indent = ''): string[] {
  const groups = new Map<string, { title: string; items: string[] }>();
  for (const d of differences) {
    const key = d.customerId ? `${d.customerId} ${d.direction ?? ''}` : '';
    const title = d.customerId ? `${d.customerId} ${d.direction ?? ''} line (trunk ${d.trunkSid}):` : 'Trunks no line manages:';
    const group = groups.get(key) ?? { title, items: [] };
    group.items.push(`${indent}  ${describeDifference(d)}`);
    groups.set(key, group);
  }
  // The lines first, in the order the scan met them; the account's unmanaged trunks last.
  const ordered = [...groups.entries()].sort(([a], [b]) => (a === '' ? 1 : 0) - (b === '' ? 1 : 0));
  return ordered.flatMap(([, g]) => [`${indent}${g.title}`, ...g.items]);
}

/** A scan's report: what it read, what it found, each difference by line. */
export function formatDriftReport(report: DriftReport, { reportFile }: { reportFile?: string } = {}): string {
  const total = differenceCount(report);
  const lines = [
    `Drift scan ${report.scanId} of Exotel account ${report.exotelAccountSid}: ${report.startedAt} to ${report.finishedAt} (share ${report.share} of the budget)`,
    `Lines scanned: ${report.linesScanned}`,
    `Exotel reads: ${report.reads} (${report.readsPerLine} per line, after 1 list of the account's trunks); nothing was written`,
    `Drifted lines: ${report.driftedLines}`,
    `Differences: ${total} (${formatByKind(report.byKind)})`,
  ];
  if (report.linesScanned === 0) lines.push('', `No line of this project is on Exotel account ${report.exotelAccountSid} (is it the account meant?).`);
  if (total === 0) {
    lines.push('', 'Nothing differs: Exotel holds what every line records, and every trunk of the account is managed.');
  } else {
    lines.push('', ...formatDifferences(report.differences));
    if (report.unlisted > 0) lines.push(`${report.unlisted} more not listed (every line keeps its own: trunkctl drift show <customer>)`);
    if (report.driftedLines > 0) lines.push('', 'A line’s own result: trunkctl drift show <customer> --direction outbound|inbound. Nothing is repaired (report only).');
  }
  if (reportFile) lines.push(`Report written to ${reportFile}`);
  return lines.join('\n');
}

/** A line as `drift show` found it: running (with its last scan's result, if any) or offboarded. */
export interface LineDriftEntry {
  customerId: string;
  direction: Direction;
  workflowId: string;
  line: 'managed' | 'offboarded';
  exotelAccountSid: string;
  /** Null before the first scan reached it (and always for an offboarded line). */
  drift: LineDrift | null;
}

export function formatLineDrift(entry: LineDriftEntry): string {
  const head = `${entry.customerId} ${entry.direction} line (workflow ${entry.workflowId}, Exotel account ${entry.exotelAccountSid})`;
  if (entry.line === 'offboarded') return `${head}: offboarded; no scan reads it any more`;
  const d = entry.drift;
  if (!d) return `${head}: never scanned; no drift scan has reached it yet (trunkctl drift scan --account ${entry.exotelAccountSid})`;
  const lines = [`${head}: ${d.state}`, `  last scan ${d.scanId} at ${d.at}`];
  if (d.differences.length === 0) lines.push('  nothing differs: Exotel holds what the line records');
  else lines.push(`  ${plural(d.differences.length, 'difference')}:`, ...d.differences.map((x) => `    ${describeDifference(x)}`));
  return lines.join('\n');
}

/** The command that shows a Schedule, with the connection it needs when that is not the default. */
export function describeScheduleCommand(scheduleId: string, { namespace, address }: { namespace?: string; address?: string } = {}): string {
  return ['temporal schedule describe', `--schedule-id ${scheduleId}`, ...(address ? [`--address ${address}`] : []), ...(namespace && namespace !== 'default' ? [`--namespace ${namespace}`] : [])].join(' ');
}

export interface ScheduleShown {
  scheduleId: string;
  created: boolean;
  exotelAccountSid: string;
  every: string;
  share: number;
  requestsPerMinute: number;
  paused: boolean;
  nextActionTimes: string[];
  describeCommand: string;
}

export function formatSchedule(s: ScheduleShown): string {
  const [next] = s.nextActionTimes;
  return [
    `${s.created ? 'created' : 'updated'} Schedule ${s.scheduleId}: a drift scan of Exotel account ${s.exotelAccountSid} every ${s.every} (share ${s.share} of ${s.requestsPerMinute} requests a minute)`,
    s.paused ? 'paused: no scan starts until it is unpaused (trunkctl drift schedule … --unpause, or Unpause in the UI)' : `running: next scan at ${next ?? '(not known yet)'}`,
    `See it: ${s.describeCommand}`,
    `  or in the Temporal UI: Schedules → ${s.scheduleId} (pause, unpause or trigger a scan there too)`,
  ].join('\n');
}

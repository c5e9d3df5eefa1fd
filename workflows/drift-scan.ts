// A drift scan of one Exotel account: every trunk of the account listed once, then each managed line's trunk read
// (numbers, and credentials and ACL outbound, destinations inbound: the fewest reads a line can be judged by) and
// compared with its record (domain/drift.ts). Exotel sends no webhooks, so this is how changes made behind the
// project's back are found. It runs at the lowest priority and paces itself to a share of the account's budget, a
// page of lines at a time, continuing as new between pages; each line is told what differs (its TrunkDriftState).
import { continueAsNew, getExternalWorkflowHandle, sleep, workflowInfo } from '@temporalio/workflow';
import { diffLine, partsToRead, unmanagedTrunks } from '../domain/drift';
import { pagesFor } from '../domain/exotel-paging';
import { DEFAULT_DRIFT_SHARE, DEFAULT_REQUESTS_PER_MINUTE, noDifferencesByKind, REPORT_DIFFERENCES_CAP, type Difference, type DriftReport } from '../domain/drift-report';
import type { ManagedLine, RepairKind } from '../domain/line';
import type { ObservedTrunk } from '../domain/observed';
import type { SipEdge } from '../domain/setup-result';
import { lineWorkflowId } from '../domain/naming';
import { directory, exotelFor, local } from './activity-profiles';
import { driftObservedSignal } from './line-messages';
import { inboundMismatches, outboundMismatches } from './platform-side/cross-check';
import { withPriority } from './priority';

/** Lines read per page (and per run of this workflow): keeps each run's history small. */
const LINES_PER_PAGE = 100;

export interface DriftScanInput {
  exotelAccountSid: string;
  /** The share of the account's budget the scan may use (0 < share ≤ 1; default 0.2). */
  share?: number;
  /** The account's budget, when it is not Exotel's 200 a minute. */
  requestsPerMinute?: number;
  /**
   * The kinds of difference each line repairs by itself (its `repair` operation): none by default (report only);
   * `extra` removes what nobody recorded, so it is never implied.
   */
  repair?: RepairKind[];
  /** Carried across continue-as-new. */
  carried?: Carried;
}

interface Carried {
  scanId: string;
  /** When the next read may go, in ms since the epoch: the pace holds across runs. */
  nextReadAt?: number;
  startedAt: string;
  pageToken?: string;
  reads: number;
  linesScanned: number;
  linesUnanswered?: number;
  driftedLines: number;
  trunks: { trunkSid: string; trunkName: string }[];
  managed: string[];
  report: Pick<DriftReport, 'byKind' | 'differences' | 'unlisted'>;
}

export async function driftScan(input: DriftScanInput): Promise<DriftReport> {
  // A Schedule cannot give the workflows it starts a priority: the scan sets its own, the lowest.
  return withPriority('drift', () => scan(input));
}

async function scan(input: DriftScanInput): Promise<DriftReport> {
  const accountSid = input.exotelAccountSid;
  const share = input.share ?? DEFAULT_DRIFT_SHARE;
  if (!(share > 0 && share <= 1)) throw new Error(`share ${share}: must be more than 0 and at most 1`);
  const perRead = 60_000 / ((input.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE) * share);
  const { exotel } = exotelFor(accountSid);
  let readsThisRun = 0;
  let nextReadAt = input.carried?.nextReadAt ?? Date.now();
  /**
   * Waits until one more read keeps the scan within its share (the time of the next read is carried across runs),
   * and counts what the list cost: one request a page, so a long list pushes the next read back by its extra pages.
   */
  const read = async <T>(request: () => Promise<T[]>): Promise<T[]> => {
    // The slot is taken when the read is asked for, so reads asked for together still go out a pace apart.
    const at = Math.max(nextReadAt, Date.now());
    nextReadAt = at + perRead;
    if (at > Date.now()) await sleep(at - Date.now());
    const items = await request();
    const extra = pagesFor(items.length) - 1;
    readsThisRun += 1 + extra;
    nextReadAt += extra * perRead;
    return items;
  };

  let carried = input.carried;
  if (!carried) {
    const trunks = await read(() => exotel.listTrunks({ accountSid }));
    carried = {
      scanId: workflowInfo().workflowId,
      startedAt: new Date().toISOString(),
      reads: 0,
      linesScanned: 0,
      driftedLines: 0,
      trunks,
      managed: [],
      report: { byKind: noDifferencesByKind(), differences: [], unlisted: 0 },
    };
  }
  const present = new Set(carried.trunks.map((t) => t.trunkSid));
  /** Exotel's edge for the account, asked once a run and only when a line manages its platform's side. */
  let edge: Promise<SipEdge | null> | undefined;
  const platformEdge = () => (edge ??= local.describeAccount({ accountSid }).then((a) => a.sipEdge));
  const page = await directory.managedLinesPage({ accountSid, pageSize: LINES_PER_PAGE, ...(carried.pageToken ? { pageToken: carried.pageToken } : {}) });
  carried.linesUnanswered = (carried.linesUnanswered ?? 0) + page.unanswered;
  const found: Difference[] = [];
  for (const { line } of page.lines) {
    if (!line.trunk) continue;
    carried.managed.push(line.trunk.sid);
    const observed = present.has(line.trunk.sid) ? await observeLine(line, read) : null;
    // The platform's side (outside Exotel's budget), when Exotel's trunk is there to compare it with.
    const differences = [...diffLine(line, observed), ...(observed && line.platform ? await platformDifferences(line, platformEdge) : [])];
    carried.linesScanned++;
    if (differences.length > 0) carried.driftedLines++;
    found.push(...differences);
    // A line that ended since it was listed has nobody to tell.
    await getExternalWorkflowHandle(lineWorkflowId(line.direction, line.customerId))
      .signal(driftObservedSignal, { scanId: carried.scanId, at: new Date().toISOString(), differences, ...(input.repair?.length ? { repair: input.repair } : {}) })
      .catch(() => undefined);
  }
  carried.reads += readsThisRun;
  record(carried.report, found);
  if (page.nextPageToken) {
    await continueAsNew<typeof driftScan>({ ...input, carried: { ...carried, pageToken: page.nextPageToken, nextReadAt } });
  }
  record(carried.report, unmanagedTrunks(carried.trunks, new Set(carried.managed)));
  const finishedAt = new Date();
  await local.recordDriftScan({
    account: accountSid,
    durationSeconds: (finishedAt.getTime() - Date.parse(carried.startedAt)) / 1000,
    reads: carried.reads,
    byKind: carried.report.byKind,
    driftedLines: carried.driftedLines,
  });
  return {
    exotelAccountSid: accountSid,
    scanId: carried.scanId,
    startedAt: carried.startedAt,
    finishedAt: finishedAt.toISOString(),
    share,
    linesScanned: carried.linesScanned,
    linesUnanswered: carried.linesUnanswered ?? 0,
    reads: carried.reads,
    readsPerLine: carried.linesScanned ? Math.round(((carried.reads - 1) / carried.linesScanned) * 100) / 100 : 0,
    byKind: carried.report.byKind,
    driftedLines: carried.driftedLines,
    differences: carried.report.differences,
    unlisted: carried.report.unlisted,
  };
}

async function observeLine(line: ManagedLine, read: <T>(request: () => Promise<T[]>) => Promise<T[]>): Promise<ObservedTrunk> {
  const accountSid = line.exotelAccountSid;
  const trunkSid = line.trunk?.sid ?? '';
  const { exotel } = exotelFor(accountSid);
  const observed: ObservedTrunk = { trunkSid };
  // Asked for together (each still waits for its own slot of the pace), so a line costs one round of workflow tasks.
  await Promise.all(
    partsToRead(line).map(async (part) => {
      if (part === 'numbers') observed.numbers = await read(() => exotel.listPhoneNumbers({ accountSid, trunkSid }));
      if (part === 'credentials') observed.credentials = await read(() => exotel.listCredentials({ accountSid, trunkSid }));
      if (part === 'aclEntries') observed.aclEntries = (await read(() => exotel.listWhitelistedIps({ accountSid, trunkSid }))).map(({ id, ip }) => ({ id, ip }));
      if (part === 'destinations') observed.destinations = await read(() => exotel.listDestinationUris({ accountSid, trunkSid }));
    }),
  );
  return observed;
}

function record(report: Carried['report'], differences: Difference[]): void {
  for (const d of differences) {
    report.byKind[d.kind]++;
    if (report.differences.length < REPORT_DIFFERENCES_CAP) report.differences.push(d);
    else report.unlisted++;
  }
}

/**
 * What the platform's side, read back now, disagrees on with what the line records of Exotel's side: each mismatch
 * of the setup's cross-check as a difference of part `platform` (reported, never repaired by a scan).
 */
async function platformDifferences(line: ManagedLine, edge: () => Promise<SipEdge | null>): Promise<Difference[]> {
  const platform = line.platform;
  if (!platform || !line.trunk) return [];
  const at = { trunkSid: line.trunk.sid, customerId: line.customerId, direction: line.direction };
  const item = platform.objects.map((o) => o.name).filter((n, i, all) => all.indexOf(n) === i).join(', ') || platform.provider;
  const account = await local.describePlatformAccount({ provider: platform.provider, name: platform.account });
  if (!account) return [{ kind: 'changed', part: 'platform', item, found: `the worker has no ${platform.provider} account ${platform.account} to read it with`, ...at }];
  const dids = line.numbers.map((n) => n.did);
  let mismatches;
  if (line.direction === 'outbound') {
    const sipEdge = await edge();
    // The newest credential is the one the platform should sign in with.
    const [newest] = [...line.credentials].sort((a, b) => b.generation - a.generation);
    if (!sipEdge || !newest) return [];
    mismatches = await outboundMismatches(account, platform.objects, { edge: sipEdge, userName: newest.userName, dids });
  } else {
    mismatches = await inboundMismatches(account, platform.objects, { dids, destinations: line.destinations.map((d) => d.value) }, { fields: null });
  }
  return mismatches.map((m) => ({ kind: m.kind === 'missing' ? 'missing' : 'changed', part: 'platform', item, found: m.detail, ...at }));
}

// Benchmark (not a test): a drift scan of an account with many managed lines. Prints the reads it made (per line),
// its wall time, the most reads it made in any window against its share of the budget, what it found, and the
// worker's peak memory; then what that means for 10,000 lines at Exotel's real 200 a minute.
//
//   npm run bench:drift -- [--lines 500] [--limit 6000] [--window-ms 60000] [--share 0.2] [--drifted 0.05] [--json]
//
// Scaled the way bench:fair-share is: the budget per 60 s window is raised (default 6,000 rather than 200), the
// window kept, so the scan's pacing is the production pacing made faster by the same factor. The scan's wall time is
// its reads divided by its share of the budget; everything else (listing lines, queries, workflow tasks) is measured
// here and reported as overhead per line.
import { parseArgs } from 'node:util';
import { runDriftScan } from '../../client/drift';
import { lineFromSetup } from '../../domain/line';
import { lineWorkflowId, sipUserNameFor, trunkNameFor } from '../../domain/naming';
import { lineSearchAttributes } from '../../domain/search-attributes';
import { ExotelClient } from '../../exotel/client';
import type { SimulatorAccount } from '../../simulator';
import { maxInSlidingWindow, peakRssMb } from './batch';
import { withBenchStack } from './stack';

const ACCOUNT: SimulatorAccount = { sid: 'drift_account', apiKey: 'drift_key', apiToken: 'drift_token_not_secret', region: 'in' };
const REAL_BUDGET_PER_MINUTE = 200;

async function inBatches<T>(items: T[], size: number, each: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(each));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lines: { type: 'string', default: '500' },
      limit: { type: 'string', default: '6000' },
      'window-ms': { type: 'string', default: '60000' },
      share: { type: 'string', default: '0.2' },
      drifted: { type: 'string', default: '0.05' },
      json: { type: 'boolean', default: false },
    },
  });
  const lines = Number(values.lines);
  const limit = Number(values.limit);
  const windowMs = Number(values['window-ms']);
  const share = Number(values.share);
  const driftedShare = Number(values.drifted);
  const perMinute = (limit * 60_000) / windowMs;

  const result = await withBenchStack({ account: ACCOUNT, workers: 1, limit, windowMs, taskQueue: 'bench-drift' }, async (stack) => {
    const exotel = new ExotelClient(stack.account);
    const customers = Array.from({ length: lines }, (_, i) => `drift-bench-${i}`);
    const at = new Date().toISOString();
    // The account as setups would have left it, made straight on the simulator, then the lines that manage it.
    await inBatches(customers, 20, async (customerId) => {
      const i = Number(customerId.split('-').at(-1));
      const did = `+9196${String(i).padStart(8, '0')}`;
      const trunk = await exotel.createTrunk(trunkNameFor(customerId, 'outbound'));
      const mapping = await exotel.mapPhoneNumber(trunk.trunk_sid, did, 'pstn');
      const credential = await exotel.createCredential(trunk.trunk_sid, { userName: sipUserNameFor(customerId), password: 'Bench_password_1234', friendlyName: 'bench' });
      const line = lineFromSetup(
        'outbound',
        { customerId, exotelAccountSid: ACCOUNT.sid, trunkSid: trunk.trunk_sid, trunkName: trunk.trunk_name, trunkCreated: true, mappingIds: { [did]: mapping.id }, credential: { id: credential.id, userName: credential.user_name } },
        at,
        'bench',
      );
      await stack.client.workflow.start('customerLine', {
        workflowId: lineWorkflowId('outbound', customerId),
        taskQueue: stack.taskQueue,
        args: [{ line }],
        typedSearchAttributes: lineSearchAttributes(line),
      });
      // A share of them drifted: the number unmapped by hand.
      if (i < lines * driftedShare) await exotel.deletePhoneNumber(trunk.trunk_sid, mapping.id);
    });
    console.error(`made ${lines} trunks and their lines; waiting for visibility to list them`);
    for (;;) {
      const listed = await stack.client.workflow.count(`WorkflowType = 'customerLine' AND ExecutionStatus = 'Running'`);
      if (listed.count >= lines) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    console.error('scanning');
    const since = (await stack.admin.requests()).at(-1)?.seq ?? 0;
    const started = Date.now();
    const report = await runDriftScan(stack.client, { exotelAccountSid: ACCOUNT.sid, share, requestsPerMinute: perMinute }, { taskQueue: stack.taskQueue });
    const wallMs = Date.now() - started;
    const reads = (await stack.admin.requests({ since })).map((r) => Date.parse(r.time)).sort((a, b) => a - b);
    const paceMs = reads.length * (60_000 / (perMinute * share));
    return {
      lines,
      reads: report.reads,
      readsSeenBySimulator: reads.length,
      readsPerLine: report.readsPerLine,
      wallSeconds: wallMs / 1000,
      /** What the pacing alone accounts for; the rest is overhead. */
      pacingSeconds: paceMs / 1000,
      overheadMsPerLine: Math.max(0, (wallMs - paceMs) / lines),
      maxReadsInWindow: maxInSlidingWindow(reads, windowMs),
      shareCeilingPerWindow: Math.floor(limit * share),
      driftedLines: report.driftedLines,
      byKind: report.byKind,
      peakWorkerRssMb: Math.max(...stack.workers.map((w) => peakRssMb(w.pid))),
      overheadSecondsPerRead: wallMs / 1000 / Math.max(1, report.reads),
      realPaceSecondsPerRead: 60 / (REAL_BUDGET_PER_MINUTE * share),
      // At the real budget the pace is the whole story while a read's own time fits inside it: one list of trunks,
      // then readsPerLine per line, each due a pace after the one before (the time a read takes counts toward it).
      tenThousandAtRealBudgetHours: (1 + report.readsPerLine * 10_000) / (REAL_BUDGET_PER_MINUTE * share) / 60,
    };
  });

  if (values.json) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log(
    [
      `drift scan of ${result.lines} lines at a share of ${share} of ${perMinute} requests a minute`,
      `  reads: ${result.reads} (${result.readsPerLine} a line; the simulator saw ${result.readsSeenBySimulator})`,
      `  wall time: ${result.wallSeconds.toFixed(1)} s (pacing ${result.pacingSeconds.toFixed(1)} s, overhead ${result.overheadMsPerLine.toFixed(1)} ms a line)`,
      `  most reads in any ${windowMs / 1000} s window: ${result.maxReadsInWindow} (its share: ${result.shareCeilingPerWindow})`,
      `  found: ${result.driftedLines} drifted lines; ${JSON.stringify(result.byKind)}`,
      `  worker peak RSS: ${result.peakWorkerRssMb} MB`,
      `  a read took ${result.overheadSecondsPerRead.toFixed(2)} s end to end here; at ${REAL_BUDGET_PER_MINUTE}/min one is due every ${result.realPaceSecondsPerRead.toFixed(2)} s${result.overheadSecondsPerRead < result.realPaceSecondsPerRead ? ', so the pace alone sets the wall time' : ': slower than the pace, so the scan would take longer than below'}`,
      `  10,000 lines at ${REAL_BUDGET_PER_MINUTE}/min and this share: ${result.tenThousandAtRealBudgetHours.toFixed(1)} h, ${Math.round(1 + result.readsPerLine * 10_000)} reads`,
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

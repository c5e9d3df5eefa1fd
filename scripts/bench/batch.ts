// Benchmark (not a test): a batch migration against the simulator with its rate window scaled down, run with 1
// and with 3 workers. Prints throughput against Exotel's ceiling, 429s, requests per customer against the minimum,
// time per customer and worker memory.
//
//   npm run bench:batch -- [--customers 300] [--workers 1,3] [--limit 1000] [--window-ms 60000] [--batch-window 40]
//
// The budget is scaled up (1000 per 60 s instead of 200) rather than the window down: the queue's rate keeps one
// second of margin for the server limiter's burst, which costs 1/(window+1) of the ceiling whatever the rate, so a
// 60 s window measures what production gets (98%); a 6 s window would understate it (86%).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { batchHandle, startBatch } from '../../client/batches';
import { setupWorkflowId } from '../../domain/naming';
import type { SimulatorAccount } from '../../simulator';
import { withBenchStack } from './stack';

const ACCOUNT: SimulatorAccount = { sid: 'bench_account', apiKey: 'bench_key', apiToken: 'bench_token_not_secret', region: 'in' };
/** The fewest Exotel requests a digest-only outbound setup can make: create trunk, map DID, create credential. */
const MIN_REQUESTS_PER_CUSTOMER = 3;

export interface BenchResult {
  workers: number;
  customers: number;
  wallSeconds: number;
  customersPerMinute: number;
  requestsPerMinute: number;
  ceilingPerMinute: number;
  shareOfCeiling: number;
  http429: number;
  /** The most requests any sliding rate window saw (the simulator answers 429 above the limit). */
  maxInWindow: number;
  requestsPerCustomer: number;
  minimumRequestsPerCustomer: number;
  p50Seconds: number;
  p95Seconds: number;
  peakWorkerRssMb: number;
  succeeded: number;
  /** Runs of the batch workflow (it continues as new) and the longest run's history, in events. */
  batchRuns: number;
  maxRunHistoryEvents: number;
  /** The simulator keeps its last 10,000 requests: past that the request figures cover only the end of the run. */
  requestLogTruncated: boolean;
}

export function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

export function maxInSlidingWindow(sortedMs: number[], windowMs: number): number {
  let max = 0;
  let from = 0;
  for (let to = 0; to < sortedMs.length; to++) {
    while ((sortedMs[to] ?? 0) - (sortedMs[from] ?? 0) >= windowMs) from++;
    max = Math.max(max, to - from + 1);
  }
  return max;
}

export function peakRssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

export async function benchBatch(o: {
  customers: number;
  workers: number;
  limit: number;
  windowMs: number;
  batchWindow: number;
  /** The share of the simulator's ceiling the worker is configured with. */
  budgetShare: number;
  log: (s: string) => void;
}): Promise<BenchResult> {
  const ceilingPerMinute = (o.limit * 60_000) / o.windowMs;
  const stack = { account: ACCOUNT, workers: o.workers, limit: o.limit, windowMs: o.windowMs, budgetShare: o.budgetShare, taskQueue: 'bench' };
  return withBenchStack(stack, async ({ dir, client, admin, taskQueue, workers }) => {
    const file = join(dir, 'customers.csv');
    const rows = Array.from({ length: o.customers }, (_, i) => `outbound,bench-${i},${ACCOUNT.sid},+9196${String(i).padStart(8, '0')}`);
    writeFileSync(file, `direction,customerId,exotelAccountSid,did\n${rows.join('\n')}\n`);
    o.log(`  ${o.workers} worker(s), ${o.customers} customers, ceiling ${ceilingPerMinute}/min…`);
    const started = Date.now();
    const handle = await startBatch(client, file, { taskQueue, window: o.batchWindow });
    const report = await handle.result();
    const wallSeconds = (Date.now() - started) / 1000;
    const peak = Math.max(...workers.map((w) => peakRssMb(w.pid)));

    const log = await admin.requests();
    const times = log.map((r) => Date.parse(r.time));
    const spanMinutes = (Math.max(...times) - Math.min(...times)) / 60_000;
    const durations: number[] = [];
    for (let i = 0; i < o.customers; i++) {
      const d = await client.workflow.getHandle(setupWorkflowId('outbound', `bench-${i}`)).describe();
      if (d.closeTime) durations.push((d.closeTime.getTime() - d.startTime.getTime()) / 1000);
    }
    durations.sort((a, b) => a - b);
    let batchRuns = 0;
    let maxRunHistoryEvents = 0;
    for await (const run of client.workflow.list({ query: `WorkflowId = '${batchHandle(client, file).workflowId}'` })) {
      batchRuns++;
      maxRunHistoryEvents = Math.max(maxRunHistoryEvents, run.historyLength);
    }
    return {
      workers: o.workers,
      customers: o.customers,
      wallSeconds: Math.round(wallSeconds * 10) / 10,
      customersPerMinute: Math.round((o.customers / wallSeconds) * 60),
      requestsPerMinute: Math.round(log.length / spanMinutes),
      ceilingPerMinute,
      shareOfCeiling: Math.round((log.length / spanMinutes / ceilingPerMinute) * 1000) / 1000,
      http429: log.filter((r) => r.status === 429).length,
      maxInWindow: maxInSlidingWindow(times.sort((a, b) => a - b), o.windowMs),
      requestsPerCustomer: Math.round((log.length / o.customers) * 100) / 100,
      minimumRequestsPerCustomer: MIN_REQUESTS_PER_CUSTOMER,
      p50Seconds: Math.round(quantile(durations, 0.5) * 10) / 10,
      p95Seconds: Math.round(quantile(durations, 0.95) * 10) / 10,
      peakWorkerRssMb: peak,
      succeeded: report.counts.succeeded,
      batchRuns,
      maxRunHistoryEvents,
      requestLogTruncated: log.length >= 10_000,
    };
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string' },
      workers: { type: 'string' },
      limit: { type: 'string' },
      'window-ms': { type: 'string' },
      'batch-window': { type: 'string' },
      'budget-share': { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const results: BenchResult[] = [];
  for (const workers of (values.workers ?? '1,3').split(',').map(Number)) {
    results.push(
      await benchBatch({
        customers: Number(values.customers ?? 300),
        workers,
        limit: Number(values.limit ?? 1000),
        windowMs: Number(values['window-ms'] ?? 60000),
        batchWindow: Number(values['batch-window'] ?? 40),
        budgetShare: Number(values['budget-share'] ?? 1),
        log: (s) => console.error(s),
      }),
    );
  }
  if (values.json) console.log(JSON.stringify(results, null, 2));
  else console.table(results);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

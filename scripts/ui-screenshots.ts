// Screenshots of the Temporal UI as a person sees it, with Debian's headless Chromium driven over the DevTools
// protocol (Node's own WebSocket; no browser library): each page is opened, given time to load and decode through
// the codec server, and captured. Run it against a demo kept running:
//
//   npm run demo -- --keep-running            (in one terminal)
//   npx tsx scripts/ui-screenshots.ts --out .dev/ui [--ui http://127.0.0.1:8233] [--page <path>]…
//
// Without --page it captures the workflow list (with the project's search attributes as columns) and, for every
// setup waiting for a decision, its summary, details and current details and its timeline of activity summaries.
// `bash scripts/chromium.sh` installs Chromium (apt) when it is missing.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

/** The workflow list's columns: the project's search attributes next to the UI's own (docs/operations.md). */
export const WORKFLOW_LIST_COLUMNS = ['Status', 'Workflow ID', 'TrunkSetupState', 'TrunkFailedStep', 'TrunkCustomerId', 'TrunkDirection', 'TrunkProvider', 'Type', 'Start'];

/**
 * Where the UI keeps a browser's column choice, per namespace: local storage `namespace-workflow-table-columns`,
 * `{ "<namespace>": [{ "label": … }] }` (read from UI 2.54's own bundle; a UI that moves it shows its defaults).
 */
export function workflowColumnsStorage(namespace: string, columns = WORKFLOW_LIST_COLUMNS): Record<string, string> {
  return { 'namespace-workflow-table-columns': JSON.stringify({ [namespace]: columns.map((label) => ({ label })) }) };
}

interface Cdp {
  send<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>;
  close(): void;
}

async function connect(wsUrl: string): Promise<Cdp> {
  const ws = new WebSocket(wsUrl);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error(`cannot reach Chromium at ${wsUrl}`)), { once: true });
  });
  let next = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
    const w = message.id === undefined ? undefined : waiting.get(message.id);
    if (!w) return;
    waiting.delete(message.id!);
    if (message.error) w.reject(new Error(message.error.message));
    else w.resolve(message.result);
  });
  return {
    send: <T>(method: string, params: Record<string, unknown> = {}) =>
      new Promise<T>((resolve, reject) => {
        const id = ++next;
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

export interface Browser {
  /** Opens `url`, waits `settleMs` for the page to load and decode, and writes a PNG. */
  capture(url: string, file: string, settleMs?: number): Promise<void>;
  /** The page's text, for checks (what a reader of the screenshot sees, without the pixels). */
  text(url: string, settleMs?: number): Promise<string>;
  setLocalStorage(origin: string, entries: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export async function startBrowser({ binary = process.env.CHROMIUM_PATH ?? 'chromium', width = 1600, height = 1000 } = {}): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'ui-shots-'));
  const child = spawn(
    binary,
    ['--headless=new', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--window-size=${width},${height}`, '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const wsUrl = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.once('error', (e) => reject(new Error(`${binary}: ${e.message} (bash scripts/chromium.sh installs it)`)));
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const found = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (found?.[1]) resolve(found[1]);
    });
    child.once('exit', (code) => reject(new Error(`${binary} exited (${code}) before listening:\n${err.slice(-2000)}`)));
  });
  const browser = await connect(wsUrl);
  const { targetId } = await browser.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
  const page = await connect(`${wsUrl.replace(/\/devtools\/browser\/.*/, '')}/devtools/page/${targetId}`);
  await page.send('Page.enable');
  await page.send('Runtime.enable');
  const open = async (url: string, settleMs: number) => {
    await page.send('Page.navigate', { url });
    await new Promise((r) => setTimeout(r, settleMs));
  };
  return {
    capture: async (url, file, settleMs = 6_000) => {
      await open(url, settleMs);
      const { data } = await page.send<{ data: string }>('Page.captureScreenshot', { format: 'png' });
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, Buffer.from(data, 'base64'));
    },
    text: async (url, settleMs = 6_000) => {
      await open(url, settleMs);
      const { result } = await page.send<{ result: { value: string } }>('Runtime.evaluate', { expression: 'document.body.innerText', returnByValue: true });
      return result.value;
    },
    setLocalStorage: async (origin, entries) => {
      await open(origin, 1_500);
      const assignments = Object.entries(entries).map(([k, v]) => `localStorage.setItem(${JSON.stringify(k)}, ${JSON.stringify(v)});`);
      await page.send('Runtime.evaluate', { expression: assignments.join('') });
    },
    close: async () => {
      page.close();
      browser.close();
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Setups waiting for a decision, as the UI's own API lists them (the UI server proxies Temporal's visibility). */
async function awaitingOps(ui: string, namespace: string): Promise<{ workflowId: string; runId: string }[]> {
  const query = encodeURIComponent('TrunkSetupState = "awaiting-ops"');
  const res = await fetch(`${ui}/api/v1/namespaces/${encodeURIComponent(namespace)}/workflows?query=${query}`);
  if (!res.ok) throw new Error(`${ui}: listing workflows answered ${res.status}`);
  const body = (await res.json()) as { executions?: { execution: { workflowId: string; runId: string } }[] };
  return (body.executions ?? []).map((e) => e.execution);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { ui: { type: 'string' }, out: { type: 'string' }, page: { type: 'string', multiple: true }, namespace: { type: 'string' } }, strict: true });
  const ui = (values.ui ?? 'http://127.0.0.1:8233').replace(/\/$/, '');
  const out = path.resolve(values.out ?? '.dev/ui');
  const namespace = values.namespace ?? 'default';
  const workflows = `/namespaces/${encodeURIComponent(namespace)}/workflows`;
  const pages: [name: string, page: string][] = values.page
    ? values.page.map((p, i) => [`page-${i + 1}`, p])
    : [
        ['workflow-list', workflows],
        ...(await awaitingOps(ui, namespace)).flatMap(({ workflowId, runId }): [string, string][] => [
          [`${workflowId}-summary-and-details`, `${workflows}/${encodeURIComponent(workflowId)}/${runId}/user-metadata`],
          [`${workflowId}-timeline`, `${workflows}/${encodeURIComponent(workflowId)}/${runId}/history`],
        ]),
      ];
  const browser = await startBrowser();
  try {
    await browser.setLocalStorage(ui, workflowColumnsStorage(namespace));
    for (const [name, page] of pages) {
      const file = path.join(out, `${name.replace(/[^a-z0-9]+/gi, '-')}.png`);
      await browser.capture(`${ui}${page}`, file);
      console.log(file);
    }
  } finally {
    await browser.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

// The patching policy of README's "Changing workflows", where a test can hold it: every patched() and deprecatePatch()
// in workflows/ names its id through PATCHES (workflows/patches.ts), every id there is used, and for every id one
// recorded history began before it and replays past its call on the old path (so replay.test.ts proves the patch keeps
// what ran before it) and one took the new path. The ids still without such a fixture are listed here, with why.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Worker } from '@temporalio/worker';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows, workflowsPath } from '../../worker/workflow-bundle';
import { PATCHES } from '../../workflows/patches';
import { HISTORY_FIXTURES } from '../support/setup-harness';

const PATCH_CALLS = new Set(['patched', 'deprecatePatch']);
const ids: string[] = Object.values(PATCHES);

/**
 * Patches no fixture recorded before them reaches: replay.test.ts does not prove that executions begun without them
 * still replay. Record one from the code before the patch (README, "Changing workflows") and take the id off here.
 */
const WITHOUT_PRE_PATCH_FIXTURE: string[] = [
  // c0ff0ad: reached only by a setup for a platform with an API (provider livekit, retell, …); the fixtures recorded
  // before it name no provider, and every platform fixture was recorded after it.
  PATCHES.platformSideByApi,
  // b7c6771: reached only by an ElevenLabs setup that finds its customer's number with another agent; no ElevenLabs
  // fixture exists.
  PATCHES.elevenLabsAgentOnFoundNumber,
];
/** Patches whose new path no fixture replays (recorded after the patch, through its call). */
const WITHOUT_POST_PATCH_FIXTURE: string[] = [
  PATCHES.elevenLabsAgentOnFoundNumber,
];

interface PatchCall {
  where: string;
  call: string;
  key?: string;
}

/** Every call of patched() and deprecatePatch() under `dir` (workflows/), and each import that would hide one. */
function patchCallsIn(dir: string): { calls: PatchCall[]; hidden: string[] } {
  const calls: PatchCall[] = [];
  const hidden: string[] = [];
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    const path = join(dir, file);
    const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
    const where = (node: ts.Node) => `workflows/${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    // PATCHES as imported from workflows/patches.ts, and nothing else of that name.
    let patchesImported = false;
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const from = node.moduleSpecifier.text;
        const bindings = node.importClause?.namedBindings;
        if (from === '@temporalio/workflow') {
          if (bindings && ts.isNamespaceImport(bindings)) hidden.push(`${where(node)}: import * as ${bindings.name.text}`);
          for (const s of bindings && ts.isNamedImports(bindings) ? bindings.elements : []) {
            const imported = (s.propertyName ?? s.name).text;
            if (PATCH_CALLS.has(imported) && s.name.text !== imported) hidden.push(`${where(node)}: ${imported} as ${s.name.text}`);
          }
        }
        const fromPatches = from.startsWith('.') && resolve(dirname(path), from) === join(dir, 'patches');
        if (fromPatches && bindings && ts.isNamedImports(bindings) && bindings.elements.some((s) => s.name.text === 'PATCHES')) patchesImported = true;
      }
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && PATCH_CALLS.has(node.expression.text)) {
        const [arg, ...more] = node.arguments;
        const key =
          arg && more.length === 0 && ts.isPropertyAccessExpression(arg) && ts.isIdentifier(arg.expression) && arg.expression.text === 'PATCHES' && patchesImported
            ? arg.name.text
            : undefined;
        calls.push({ where: where(node), call: node.getText(source), ...(key ? { key } : {}) });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { calls, hidden };
}

describe('patch ids', () => {
  const { calls, hidden } = patchCallsIn(workflowsPath);

  it('are named through PATCHES at every patched() and deprecatePatch() call in workflows/', () => {
    expect(calls.length).toBeGreaterThan(0);
    expect(hidden).toEqual([]);
    expect(calls.filter((c) => !c.key || !(c.key in PATCHES)).map((c) => `${c.where}: ${c.call}`)).toEqual([]);
  });

  it('are checked at the call: a literal, an unknown key, a renamed or namespace import are caught', () => {
    const dir = mkdtempSync(join(tmpdir(), 'patch-policy-'));
    try {
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, 'patches.ts'), 'export const PATCHES = {} as const;\n');
      writeFileSync(
        join(dir, 'sub', 'changed.ts'),
        [
          "import { deprecatePatch, patched, patched as isPatched } from '@temporalio/workflow';",
          "import * as wf from '@temporalio/workflow';",
          "import { PATCHES } from '../patches';",
          'export const a = patched(PATCHES.handOverToLine);',
          "export const b = patched('hand-over-to-line');",
          'export const c = patched(PATCHES.noSuchPatch);',
          'deprecatePatch(PATCHES.probeDestinations);',
          "export const d = isPatched('x') || wf.patched('y');",
        ].join('\n'),
      );
      const found = patchCallsIn(dir);
      expect(found.hidden).toEqual(['sub/changed.ts:1: patched as isPatched', 'sub/changed.ts:2: import * as wf'].map((h) => `workflows/${h}`));
      expect(found.calls.map((c) => [c.where.replace(/^workflows\/sub\/changed\.ts:/, ''), c.key])).toEqual([
        ['4', 'handOverToLine'],
        ['5', undefined],
        ['6', 'noSuchPatch'],
        ['7', 'probeDestinations'],
      ]);
      expect(found.calls.filter((c) => !c.key || !(c.key in PATCHES)).map((c) => c.call)).toEqual(["patched('hand-over-to-line')", 'patched(PATCHES.noSuchPatch)']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are each used, unique, kebab-case, and never a test id', () => {
    expect(new Set(calls.map((c) => c.key))).toEqual(new Set(Object.keys(PATCHES)));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^(?!test-)[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});

describe('recorded histories and patches', () => {
  /** For each fixture, the path each patch's call took on replay. */
  const paths = new Map<string, Map<string, Set<string>>>();

  beforeAll(async () => {
    // The workflows as they are, with @temporalio/workflow's patch calls reporting to a sink (fixtures/patch-probe.ts).
    const bundle = await bundleWorkflows({ quiet: true, aliases: { '@temporalio/workflow$': join(__dirname, 'fixtures', 'patch-probe.ts') } });
    const fixtures = readdirSync(HISTORY_FIXTURES).filter((f) => f.endsWith('.json'));
    const replays = Worker.runReplayHistories(
      {
        workflowBundle: bundle,
        sinks: {
          patchProbe: {
            reached: {
              callDuringReplay: true,
              fn: ({ workflowId }, patchId: string, path: string) => {
                const byPatch = paths.get(workflowId) ?? new Map<string, Set<string>>();
                byPatch.set(patchId, (byPatch.get(patchId) ?? new Set()).add(path));
                paths.set(workflowId, byPatch);
              },
            },
          },
        },
      },
      fixtures.map((f) => ({ workflowId: f.replace(/\.json$/, ''), history: JSON.parse(readFileSync(join(HISTORY_FIXTURES, f), 'utf8')) as unknown })),
    );
    for await (const { workflowId, error } of replays) {
      if (error) throw new Error(`${workflowId} does not replay with the probe: ${String(error)}`);
    }
  });

  const fixturesTaking = (patchId: string, path: 'old' | 'new') =>
    [...paths].filter(([, byPatch]) => byPatch.get(patchId)?.has(path)).map(([fixture]) => fixture).sort();

  it('include, for each patch, one that began before it and replays past its call', () => {
    // The probe saw the calls: every fixture replayed, and no call named an id PATCHES lacks.
    expect(paths.size).toBeGreaterThan(0);
    expect([...paths.values()].flatMap((byPatch) => [...byPatch.keys()]).filter((id) => !ids.includes(id))).toEqual([]);
    const missing = ids.filter((id) => fixturesTaking(id, 'old').length === 0);
    expect(missing).toEqual(WITHOUT_PRE_PATCH_FIXTURE);
    // The fixture replay.test.ts keeps for this patch is one of them.
    expect(fixturesTaking(PATCHES.platformNumbersOnLines, 'old')).toContain('line-retell-before-platform-numbers');
  });

  it('include, for each patch, one that took its new path', () => {
    expect(ids.filter((id) => fixturesTaking(id, 'new').length === 0)).toEqual(WITHOUT_POST_PATCH_FIXTURE);
  });
});

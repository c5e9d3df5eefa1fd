// What a workflow bundle is made of, the same for a worker that bundles at start, the image's prebuilt bundle
// (scripts/build-workflow-bundle.ts) and the tests: the workflows, their interceptors and the failure converter.
// A bundle built otherwise would replay the same but write failures in clear and activities without summaries.
import { join } from 'node:path';
import { bundleWorkflowCode, type Logger, type WorkflowBundle } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../codec/data-converter';

/** Folders and extension-less modules, so the same paths work from TypeScript sources (tsx, tests) and from dist/. */
export const workflowsPath = join(__dirname, '..', 'workflows');
export const workflowInterceptorModules = [join(__dirname, '..', 'workflows', 'interceptors')];

/** For bundling in tests and scripts, where webpack's report is noise. */
export const silentLogger: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

export function bundleWorkflows({ quiet = false }: { quiet?: boolean } = {}): Promise<WorkflowBundle> {
  return bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    ...(quiet ? { logger: silentLogger } : {}),
  });
}

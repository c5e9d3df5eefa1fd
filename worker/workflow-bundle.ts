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

export interface BundleWorkflowsOptions {
  /** webpack's report goes there (default: the SDK's, at INFO); `quiet` drops it. */
  logger?: Logger;
  quiet?: boolean;
  /**
   * Tests only: modules swapped for others, as webpack aliases (`'<module path>$'` for an exact match), to build a
   * changed workflow (a deployment while setups wait) or to watch the real one (the patch probe).
   */
  aliases?: Record<string, string>;
}

export function bundleWorkflows({ quiet = false, logger, aliases }: BundleWorkflowsOptions = {}): Promise<WorkflowBundle> {
  const reportTo = quiet ? silentLogger : logger;
  return bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    ...(reportTo ? { logger: reportTo } : {}),
    ...(aliases
      ? {
          webpackConfigHook: (config) => {
            const given = config.resolve?.alias;
            if (Array.isArray(given)) throw new Error('the bundler now gives resolve.alias as a list: add the aliases to it');
            return { ...config, resolve: { ...config.resolve, alias: { ...given, ...aliases } } };
          },
        }
      : {}),
  });
}

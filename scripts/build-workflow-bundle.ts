// Bundles the workflows once, so workers start without webpack (production, and the chaos run's many restarts).
//
//   npx tsx scripts/build-workflow-bundle.ts [out-file]      (default dist/workflow-bundle.js)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { bundleWorkflows } from '../worker/workflow-bundle';

export async function buildWorkflowBundle(outFile: string, { quiet = false } = {}): Promise<string> {
  const { code } = await bundleWorkflows({ quiet });
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, code);
  return outFile;
}

if (require.main === module) {
  const out = resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  buildWorkflowBundle(out).then(
    (file) => console.log(`workflow bundle written to ${file}`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

// trunkctl providers: the voice-AI platforms and what each needs.
import { Command } from '@commander-js/extra-typings';
import { listProviders } from '../../domain/providers';
import { formatProviders } from '../format';

export const providersCommand = new Command('providers')
  .description('the voice-AI platforms this tool sets trunks up for, and what each needs')
  .option('--json', 'print JSON for programs instead of a table')
  .addHelpText('after', '\nExample:\n  trunkctl providers --json')
  .action((flags) => {
    console.log(flags.json ? JSON.stringify(listProviders()) : formatProviders());
  });

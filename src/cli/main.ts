#!/usr/bin/env node
/** The `lrp-report` command: dispatch, and the one place errors become a one-line message and an exit code. */
import v8 from 'node:v8';
import { UsageError, UserError } from '../errors.js';

/** A command's module: `src/cli/<command>.ts`. */
interface CommandModule {
  readonly usage: string;
  run(argv: string[]): Promise<number>;
}

// Imported when it runs: `audit verify` or a batch's main thread never loads onnxruntime, pdfkit or the fonts.
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  report: () => import('./report.js'),
  batch: () => import('./batch.js'),
  audit: () => import('./audit.js'),
  evaluate: () => import('./evaluate.js'),
  explain: () => import('./explain.js'),
  compile: () => import('./compile.js'),
  bench: () => import('./bench.js'),
  demo: () => import('./demo.js'),
  synth: () => import('./synth.js'),
};

const RENDERING_COMMANDS = new Set(['report', 'batch', 'demo']);

const usage = async () => `usage:\n${(await Promise.all(Object.values(COMMANDS).map((load) => load()))).map((c) => `  ${c.usage}`).join('\n')}\n`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(await usage());
    return command ? 0 : 2;
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!load) {
    process.stderr.write(`lrp-report: unknown command "${command}"\n${await usage()}`);
    return 2;
  }
  // The commands that render reports run V8 without TurboFan inlining (the flag is process-wide, so the batch
  // workers too). The report pipeline's hot functions (fontkit shaping, PDF writing, templates) are large; inlining
  // them doubled TurboFan's compile time (6.2 → 2.9 s of background CPU for 1000 applicants in one process) and made
  // the steady state no faster (7.6 → 7.4 s). On two cores those compiler threads take their CPU from the work: a
  // 1000-applicant batch runs about 10 % faster without. Set before the command's code is loaded.
  if (RENDERING_COMMANDS.has(command)) v8.setFlagsFromString('--no-turbo-inlining');
  const entry = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`usage: ${entry.usage}\n`);
    return 0;
  }
  return entry.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UserError) {
      process.stderr.write(`lrp-report: error: ${error.message}\n`);
      process.exitCode = error instanceof UsageError ? 2 : 1;
    } else {
      // Not the user's fault: one line for them, the stack only when asked for (LRP_REPORT_DEBUG=1).
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      process.stderr.write(`lrp-report: internal error: ${message} (set LRP_REPORT_DEBUG=1 for details)\n`);
      if (process.env.LRP_REPORT_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
      process.exitCode = 70;
    }
  },
);

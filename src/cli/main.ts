#!/usr/bin/env node
/** The `lrp-report` command: dispatch, and the one place errors become a one-line message and an exit code. */
import v8 from 'node:v8';
import { UserError } from '../errors.js';
import { auditCommand, auditUsage } from './audit.js';
import { batchCommand, batchUsage } from './batch.js';
import { benchCommand, benchUsage } from './bench.js';
import { compileCommand, compileUsage } from './compile.js';
import { demoCommand, demoUsage } from './demo.js';
import { evaluateCommand, evaluateUsage } from './evaluate.js';
import { explainCommand, explainUsage } from './explain.js';
import { reportCommand, reportUsage } from './report.js';
import { synthCommand, synthUsage } from './synth.js';

// V8 flags are process-wide, so this covers the batch workers too. The report pipeline's hot functions (fontkit
// shaping, PDF writing, templates) are large; inlining them doubled TurboFan's compile time (6.2 → 2.9 s of
// background CPU for 1000 applicants in one process) and made the steady state no faster (7.6 → 7.4 s). On two
// cores those compiler threads take their CPU from the work: a 1000-applicant batch runs about 10 % faster without.
v8.setFlagsFromString('--no-turbo-inlining');

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; usage: string }> = {
  report: { run: reportCommand, usage: reportUsage },
  batch: { run: batchCommand, usage: batchUsage },
  audit: { run: auditCommand, usage: auditUsage },
  evaluate: { run: evaluateCommand, usage: evaluateUsage },
  explain: { run: explainCommand, usage: explainUsage },
  compile: { run: compileCommand, usage: compileUsage },
  bench: { run: benchCommand, usage: benchUsage },
  demo: { run: demoCommand, usage: demoUsage },
  synth: { run: synthCommand, usage: synthUsage },
};

const USAGE = `usage:\n${Object.values(COMMANDS).map((c) => `  ${c.usage}`).join('\n')}\n`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    process.stderr.write(`lrp-report: unknown command "${command}"\n${USAGE}`);
    return 2;
  }
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
      process.exitCode = 1;
    } else {
      // Not the user's fault: one line for them, the stack only when asked for (LRP_REPORT_DEBUG=1).
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      process.stderr.write(`lrp-report: internal error: ${message} (set LRP_REPORT_DEBUG=1 for details)\n`);
      if (process.env.LRP_REPORT_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
      process.exitCode = 70;
    }
  },
);

#!/usr/bin/env node
/** The `lrp-report` command: dispatch, and the one place errors become a one-line message and an exit code. */
import v8 from 'node:v8';
import { Interrupted, UsageError, UserError } from '../errors.js';
import { PACKAGE_VERSION } from '../paths.js';

/** A command's module: `src/cli/<command>.ts`. */
interface CommandModule {
  readonly usage: string;
  /** What the options mean, where the usage line alone does not say (printed by `<command> --help`). */
  readonly details?: string;
  run(argv: string[]): Promise<number>;
}

interface Command {
  /** One line for `lrp-report --help`, which loads no command. */
  readonly summary: string;
  readonly load: () => Promise<CommandModule>;
}

// Imported when it runs: `audit verify` or a batch's main thread never loads onnxruntime, pdfkit or the fonts.
const COMMANDS: Record<string, Command> = {
  report: { summary: 'one case → its documents (PDF, HTML) and audit record', load: () => import('./report.js') },
  batch: { summary: 'a folder of cases or a CSV loan book → documents, audit records and summary.csv; resumable', load: () => import('./batch.js') },
  audit: { summary: 'signing keys; verify, prove, export, replay an audit log; check a document against it', load: () => import('./audit.js') },
  evaluate: { summary: 'how faithful explanations are: AOPC, model randomisation, stability', load: () => import('./evaluate.js') },
  explain: { summary: "relevance of a model's inputs (.npy in; .npy, JSON and a heatmap out)", load: () => import('./explain.js') },
  compile: { summary: 'the forward and relevance passes as one ONNX graph, to run wherever ONNX runs', load: () => import('./compile.js') },
  bench: { summary: "an explainer's speed and memory against plain inference", load: () => import('./bench.js') },
  demo: { summary: "every domain's demo cases → reports (the README's first command)", load: () => import('./demo.js') },
  synth: { summary: 'synthetic lesion images with their ground truth', load: () => import('./synth.js') },
};

const RENDERING_COMMANDS = new Set(['report', 'batch', 'demo']);

const overview = (): string => {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: lrp-report <command> [options]   (lrp-report <command> --help for its options; --version)\n\ncommands:\n${lines.join('\n')}\n`;
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    (command ? process.stdout : process.stderr).write(overview());
    return command ? 0 : 2;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`lrp-report ${PACKAGE_VERSION}\n`);
    return 0;
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command].load : undefined;
  if (!load) {
    process.stderr.write(`lrp-report: unknown command "${command}"; the commands: ${Object.keys(COMMANDS).join(', ')} (lrp-report --help says what each does)\n`);
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
    process.stdout.write(`usage: ${entry.usage}\n${entry.details ? `\n${entry.details}\n` : ''}`);
    return 0;
  }
  return entry.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof Interrupted) {
      process.stderr.write(`lrp-report: ${error.message}\n`);
      process.exitCode = 130;
    } else if (error instanceof UserError) {
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

/** `lrp-report audit keygen|verify|repair|prove|check-proof|check-document|export|replay`: the compliance side of the audit log. */
import fs from 'node:fs';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { decisionRecord } from '../audit/build.js';
import { canonicalize } from '../audit/canonical.js';
import { checkpointProblem, type Checkpoint } from '../audit/checkpoint.js';
import { generateAuditKeyPair, keyRing, loadPrivateKey, publicKeyPem } from '../audit/keys.js';
import { openLogWriter, readLogContents, verifyLog, type VerifyResult } from '../audit/log.js';
import { sha256Hex } from '../audit/hash.js';
import { exportBundle, proveConsistency, proveInclusion, verifyBundle, verifyConsistencyProof, verifyInclusionProof, type AuditBundle, type ConsistencyProof } from '../audit/proof.js';
import type { AuditRecord } from '../audit/record.js';
import { listCases } from '../batch/cases.js';
import type { DomainSession } from '../domain/plugin.js';
import { loadDomain } from '../domain/registry.js';
import { fail, UsageError, UserError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { readJsonFile } from '../io/json.js';
import { readFileOrFail } from '../io/read.js';
import { readYamlFile } from '../io/yaml.js';
import { packagePath } from '../paths.js';
import { outputFolder, parse, required } from './args.js';
import { readPublicKeys, trustedKeys } from './audit-options.js';

export const usage = `lrp-report audit keygen --out DIR
    lrp-report audit verify LOG --key PUB.pem [--key …] [--known KEPT.json]   (checkpoints kept earlier: a list, one, or a bundle.json)
    lrp-report audit repair LOG   (removes an incomplete last line left by a crash mid-write)
    lrp-report audit seal LOG --key KEY.pem [--earlier-key PUB.pem …]   (signs the records a crashed run left unsigned, after you have checked them; --earlier-key: public keys the log was signed with before a rotation)
    lrp-report audit prove LOG --record ID [--out PROOF.json]   (inclusion)
    lrp-report audit prove LOG --since KEPT.json --key PUB.pem [--out PROOF.json]   (consistency: the log only grew since a kept checkpoint)
    lrp-report audit check-proof PROOF.json|bundle.json --key PUB.pem   (an inclusion or consistency proof, or an export's bundle)
    lrp-report audit check-document LOG FILE.pdf|FILE.html --key PUB.pem   (is this report the one the log records?)
    lrp-report audit export LOG --key PUB.pem --out DIR [--from TIME] [--to TIME]
    lrp-report audit replay LOG --cases DIR|FILE.csv [--key PUB.pem]   (exit 1 on drift; --key: verify the log first)`;

const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = { keygen, verify, repair, seal, prove, 'check-proof': checkProof, 'check-document': checkDocument, export: exportCommand, replay };

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const handler = sub !== undefined && Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  if (!handler) throw new UsageError(`audit: expected one of ${Object.keys(SUBCOMMANDS).join(', ')}${sub ? `, got "${sub}"` : ''}`);
  return handler(rest);
}

function publicKeys(files: string[] | undefined, command: string): KeyObject[] {
  if (!files || files.length === 0) throw new UsageError(`audit ${command}: --key PUB.pem is required (the public key of the log's signing key)`);
  return readPublicKeys(files);
}

async function keygen(argv: string[]): Promise<number> {
  const { values } = parse(argv, { out: { type: 'string' } }, 'audit keygen');
  const dir = outputFolder(values.out, 'audit keygen');
  const privateFile = path.join(dir, 'audit-signing.key.pem');
  const publicFile = path.join(dir, 'audit-signing.pub.pem');
  for (const f of [privateFile, publicFile]) if (fs.existsSync(f)) fail(`audit keygen: ${f} exists; refusing to overwrite a key`);
  const pair = generateAuditKeyPair();
  writeFileAtomic(publicFile, pair.publicKeyPem);
  writeFileAtomic(privateFile, pair.privateKeyPem, 0o600);
  process.stdout.write(`key id ${pair.keyId}\nprivate key (keep on the signing host, mode 0600): ${privateFile}\npublic key (publish; auditors verify with it): ${publicFile}\n`);
  return 0;
}

async function verify(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { key: { type: 'string', multiple: true }, known: { type: 'string' } }, 'audit verify', ['LOG']);
  const [log] = positionals;
  const keys = publicKeys(values.key, 'verify');
  const known = values.known ? knownCheckpoints(values.known, keys) : undefined;
  const result = verifyLog(log, keys, { known });
  if (!result.ok) notVerified(log, result);
  process.stdout.write(`${log}: verified: ${result.size} records, ${result.checkpoints} signed checkpoints, chain and Merkle tree intact\n`);
  return 0;
}

/**
 * `--known FILE`: checkpoints an auditor kept, as a list, one checkpoint, or an earlier proof or export bundle.json
 * (each holds the checkpoint it was made under). Each must be signed by one of the keys: a bad one is the file's
 * fault, not the log's.
 */
function knownCheckpoints(file: string, keys: readonly KeyObject[], flag = '--known'): Checkpoint[] {
  const value = readJsonFile(file, 'known checkpoints', `${flag} ${file}`);
  const holder = typeof value === 'object' && value !== null && !Array.isArray(value) && 'checkpoint' in value ? (value as { checkpoint: unknown }).checkpoint : undefined;
  const list: unknown[] = Array.isArray(value) ? value : holder !== undefined ? [holder] : [value];
  const ring = keyRing(keys);
  list.forEach((c, i) => {
    const problem = checkpointProblem(c, ring);
    if (problem) fail(`${flag} ${file}: ${list.length > 1 ? `checkpoint ${i + 1}: ` : ''}${problem} (expected checkpoints: a list, one checkpoint, or a proof or bundle.json holding one)`);
  });
  return list as Checkpoint[];
}

function notVerified(log: string, result: VerifyResult): never {
  // The first record the log no longer vouches for: the bad one itself, or, when a signed root does not match, the
  // first of the records it covers (which of them changed cannot be told).
  const seq = result.firstBadSeq;
  const afterAll = seq !== undefined && !result.firstBadRecordId && seq >= (result.recordsRead ?? 0);
  const where = seq === undefined ? '' : afterAll ? ` (after the ${seq} record${seq === 1 ? '' : 's'} read before it)` : ` (first record not vouched for: #${seq}${result.firstBadRecordId ? `, ${result.firstBadRecordId}` : ''})`;
  fail(`${log}: NOT VERIFIED: ${result.reason}${where}`);
}

/**
 * A report on its own against the log: the log verifies, and one of its records lists exactly these bytes. (The
 * decision record a PDF carries is the logged record without the documents' digests, which it cannot contain.)
 */
async function checkDocument(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { key: { type: 'string', multiple: true } }, 'audit check-document', ['LOG', 'FILE']);
  const [log, file] = positionals;
  const digest = sha256Hex(readFileOrFail(file, 'report'));
  const result = verifyLog(log, publicKeys(values.key, 'check-document'), { keep: (r) => r.rendered.documents.some((d) => d.sha256 === digest) });
  if (!result.ok) notVerified(log, result);
  for (const record of result.records) {
    const document = record.rendered.documents.find((d) => d.sha256 === digest);
    if (document) {
      process.stdout.write(`${file}: recorded: the ${document.name} (${document.format}, ${document.locale}) of decision ${record.record_id} (case ${record.case_id}, ${record.output.decision}, decided ${record.decision_time}); ${log} verified\n`);
      return 0;
    }
  }
  fail(`${file}: NOT RECORDED: no record in ${log} lists a document with its SHA-256 ${digest} (altered since, or rendered without this log)`);
}

/** Explicit, never silent: only a line without its newline (a write the crash cut short) is removed. */
async function repair(argv: string[]): Promise<number> {
  const { positionals } = parse(argv, {}, 'audit repair', ['LOG']);
  const [log] = positionals;
  // A missing log has nothing to repair, but saying so would hide a mistyped name.
  if (!fs.existsSync(log)) fail(`cannot read audit log ${log}: no such file (ENOENT)`);
  const { repairedBytes, completedLastLine } = openLogWriter(log, { repair: true });
  process.stdout.write(repairedBytes > 0 ? `${log}: removed an incomplete last line (${repairedBytes} bytes)\n` : completedLastLine ? `${log}: added the newline its last line lacked (the line itself was complete)\n` : `${log}: nothing to repair\n`);
  return 0;
}

/**
 * Signs the records no checkpoint signs, which a writer refuses to do for records it did not make itself (a run
 * that crashed before signing them, or lines an edit added): the operator's explicit word, after checking them.
 * Everything else in the log must verify under the key first; the records signed are listed.
 */
async function seal(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { key: { type: 'string' }, 'earlier-key': { type: 'string', multiple: true } }, 'audit seal', ['LOG']);
  const [log] = positionals;
  const keyFile = required(values.key, 'key', 'audit seal');
  const key = loadPrivateKey(readFileOrFail(keyFile, 'signing key'), keyFile);
  // A log signed before a key rotation verifies under the earlier public keys too.
  const trust = trustedKeys(key, values['earlier-key'] ?? []);
  const check = verifyLog(log, trust, { unsignedTail: true });
  if (!check.ok) fail(`${log}: not sealed: the log does not verify (${check.reason})${/unknown key/.test(check.reason) ? '; if the log was signed with a key since rotated, give its public key with --earlier-key PUB.pem' : ''}`);
  const writer = openLogWriter(log, { trust });
  const accepted = writer.acceptUnsigned();
  writer.append([], { key });
  for (const r of accepted) process.stdout.write(`signed: ${r.record_id} (case ${r.case_id}, ${r.output.decision}, decided ${r.decision_time})\n`);
  process.stdout.write(`${log}: ${accepted.length === 0 ? 'every record was signed already' : `${accepted.length} record${accepted.length === 1 ? '' : 's'} signed`}\n`);
  return 0;
}

/**
 * `--record ID`: an inclusion proof (the record is in the log under its latest checkpoint). `--since KEPT.json` (a
 * checkpoint an auditor kept, or a proof or bundle.json holding one; checked with --key): a consistency proof that
 * the log under its latest checkpoint extends the kept one, checkable without the log.
 */
async function prove(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { record: { type: 'string' }, since: { type: 'string' }, key: { type: 'string', multiple: true }, out: { type: 'string' } }, 'audit prove', ['LOG']);
  const [log] = positionals;
  if ((values.record === undefined) === (values.since === undefined)) throw new UsageError('audit prove: give --record ID (inclusion) or --since KEPT.json (consistency), one of them');
  let made: unknown;
  if (values.record !== undefined) made = proveInclusion(log, values.record);
  else {
    const keys = publicKeys(values.key, 'prove --since');
    const kept = knownCheckpoints(values.since!, keys, '--since').at(-1)!;
    const consistency = proveConsistency(log, kept);
    // A proof that would not check is refused here, where the log is, naming why.
    const check = verifyConsistencyProof(consistency, keys);
    if (!check.ok) fail(`${log}: no consistency proof: ${check.reason}`);
    made = consistency;
  }
  const proof = `${JSON.stringify(made, null, 2)}\n`;
  if (values.out) writeFileAtomic(values.out, proof);
  else process.stdout.write(proof);
  return 0;
}

async function checkProof(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { key: { type: 'string', multiple: true } }, 'audit check-proof', ['PROOF.json']);
  const [file] = positionals;
  const proof = readJsonFile(file, 'proof');
  const keys = publicKeys(values.key, 'check-proof');
  if (isBundle(proof)) {
    // An export's bundle.json: every proof in it, all under its one checkpoint.
    let bundleCheck;
    try {
      bundleCheck = verifyBundle(proof, keys);
    } catch (e) {
      if (e instanceof UserError) throw e;
      fail(`${file}: NOT VERIFIED: not a well-formed bundle`);
    }
    if (!bundleCheck.ok) fail(`${file}: NOT VERIFIED: ${bundleCheck.reason}`);
    process.stdout.write(`${file}: verified: ${bundleCheck.reason}, signed at ${proof.checkpoint.timestamp}\n`);
    return 0;
  }
  if (isConsistencyProof(proof)) {
    const consistency = verifyConsistencyProof(proof, keys);
    if (!consistency.ok) fail(`${file}: NOT VERIFIED: ${consistency.reason}`);
    process.stdout.write(`${file}: verified: ${consistency.reason} (signed at ${proof.to.timestamp} and ${proof.from.timestamp}): the log only grew\n`);
    return 0;
  }
  const check = verifyInclusionProof(proof, keys);
  if (!check.ok) fail(`${file}: NOT VERIFIED: ${check.reason}`);
  const p = proof as { record: AuditRecord; tree_size: number; checkpoint: Checkpoint };
  process.stdout.write(`${file}: verified: record ${p.record.record_id} is in the log of ${p.tree_size} records signed at ${p.checkpoint.timestamp}\n`);
  return 0;
}

const isConsistencyProof = (value: unknown): value is ConsistencyProof =>
  typeof value === 'object' && value !== null && 'from' in value && 'to' in value && Array.isArray((value as { proof?: unknown }).proof);

const isBundle = (value: unknown): value is AuditBundle =>
  typeof value === 'object' && value !== null && Array.isArray((value as { proofs?: unknown }).proofs) && typeof (value as { checkpoint?: unknown }).checkpoint === 'object';

/** A bundle an auditor can check without us: records with proofs, the checkpoint, the schema, key and model cards. */
async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { key: { type: 'string', multiple: true }, out: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } }, 'audit export', ['LOG']);
  const [log] = positionals;
  const out = outputFolder(values.out, 'audit export');
  const keys = publicKeys(values.key, 'export');
  const check = verifyLog(log, keys);
  if (!check.ok) fail(`${log}: not exported: the log does not verify (${check.reason})`);
  const bundle = exportBundle(log, { from: values.from, to: values.to });
  const cards = modelCardsFor(bundle.proofs.map((p) => p.record.model.sha256));
  const files: [string, string | Buffer][] = [
    ['bundle.json', `${JSON.stringify(bundle, null, 2)}\n`],
    ['audit-record.schema.json', fs.readFileSync(packagePath('schemas', 'audit-record.schema.json'))],
    ...keys.map((k, i): [string, string] => [`audit-signing${i ? `-${i + 1}` : ''}.pub.pem`, publicKeyPem(k)]),
    ...cards.map(([name, file]): [string, Buffer] => [path.join('model-cards', name), fs.readFileSync(file)]),
    ['README.txt', `lrp-report audit export of ${path.basename(log)}: ${bundle.proofs.length} records decided in [${bundle.from ?? '-∞'}, ${bundle.to ?? '+∞'}).\nEach proof in bundle.json leads from SHA-256(0x00 || SHA-256(RFC 8785 JSON of the record)) to the root of the signed checkpoint (RFC 9162 inclusion proof); the checkpoint is signed with Ed25519 (see the public key). Records follow audit-record.schema.json; model cards are those whose SHA-256 the records name.\nCheck every proof: lrp-report audit check-proof bundle.json --key audit-signing.pub.pem (a single proof from audit prove is checked the same way). It also checks that no record is in the bundle twice and that each was decided within the window; ${bundle.from === null && bundle.to === null ? 'this bundle has no window, so it must hold every record the checkpoint signs, and check-proof fails if one was left out' : 'that no record of the window was left out cannot be shown by a windowed bundle (an export without --from and --to holds every record, and check-proof proves it)'}.\n`],
  ];
  for (const [name, data] of files) writeFileAtomic(path.join(out, name), data);
  process.stdout.write(`${bundle.proofs.length} records with proofs, ${cards.length} model cards written to ${out}\n`);
  return 0;
}

/** Bundled model cards (models/**) whose model SHA-256 appears in the records. */
function modelCardsFor(sha256s: readonly string[]): [string, string][] {
  const wanted = new Set(sha256s);
  const found: [string, string][] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/card\.yaml$/.test(entry.name) && !/base\.yaml$/.test(entry.name)) {
        const card = readYamlFile(file, 'model card') as { sha256?: string; name?: string; version?: string };
        if (card.sha256 && wanted.has(card.sha256)) found.push([`${card.name}-${card.version}.card.yaml`, file]);
      }
    }
  };
  walk(packagePath('models'));
  return found;
}

/**
 * Re-runs the recorded cases and compares: the same decision, the same explanation digest, the same record.
 * Cases are matched to records by domain, profile, case id and decision time (not by record id, which
 * changes when the model or input does: that is drift to report, not a missing record).
 */
async function replay(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { cases: { type: 'string' }, key: { type: 'string', multiple: true } }, 'audit replay', ['LOG']);
  const [log] = positionals;
  // With the signing key, the records compared against are first shown to be the ones signed.
  const verified = values.key ? verifyLog(log, publicKeys(values.key, 'replay'), { keep: () => true }) : null;
  if (verified && !verified.ok) notVerified(log, verified);
  const records = verified ? verified.records : readLogContents(log, () => true).records.map((r) => r.record);
  if (records.length === 0) fail(`${log}: no records to replay`);
  const key = (r: Pick<AuditRecord, 'domain' | 'profile' | 'case_id' | 'decision_time'>) => `${r.domain}|${r.profile ?? ''}|${r.case_id}|${r.decision_time}`;
  const recorded = new Map(records.map((r) => [key(r), r]));
  const sessions: { domain: string; session: DomainSession }[] = [];
  let csvCases = false;
  for (const pair of new Set(records.map((r) => `${r.domain}|${r.profile ?? ''}`))) {
    const [domain, profile] = pair.split('|');
    const plugin = await loadDomain(domain);
    csvCases ||= plugin.csvCases;
    sessions.push({ domain, session: await plugin.open({ profile: profile || undefined }) });
  }
  let drift = 0, same = 0, unrecorded = 0, failed = 0;
  const seen = new Set<string>();
  try {
    const domains = [...new Set(sessions.map((s) => s.domain))].join(' and ');
    for (const c of listCases(required(values.cases, 'cases', 'audit replay'), { domain: domains, csv: csvCases })) {
      const errors: string[] = [];
      let matched = false;
      for (const { session } of sessions) {
        let decision;
        try {
          decision = decisionRecord((await session.assessCase(c.ref)).audit);
        } catch (e) {
          errors.push(e instanceof Error ? e.message : String(e));
          continue;
        }
        const before = recorded.get(key(decision));
        if (!before) continue;
        matched = true;
        seen.add(key(decision));
        const { rendered: _rendered, ...beforeDecision } = before;
        const changes = [
          ...(before.input_sha256 !== decision.input_sha256 ? ['input changed'] : []),
          ...(before.output.decision !== decision.output.decision ? [`decision ${before.output.decision} → ${decision.output.decision}`] : []),
          ...(before.explanation.relevance_sha256 !== decision.explanation.relevance_sha256 ? ['relevance digest changed'] : []),
          ...(before.model.sha256 !== decision.model.sha256 ? ['model changed'] : []),
          ...(canonicalize(beforeDecision) !== canonicalize(decision) ? ['record differs'] : []),
        ];
        if (changes.length === 0) same++;
        else {
          drift++;
          process.stdout.write(`DRIFT ${c.key} (${before.record_id}): ${changes.join('; ')}\n`);
        }
      }
      if (!matched && errors.length === sessions.length) {
        failed++;
        process.stdout.write(`FAILED ${c.key}: ${errors[0]}\n`);
      } else if (!matched) {
        unrecorded++;
        process.stdout.write(`NOT RECORDED ${c.key}: no record of this case in ${log}\n`);
      }
    }
  } finally {
    for (const { session } of sessions) await session.close();
  }
  const missing = records.filter((r) => !seen.has(key(r))).length;
  const source = /\.csv$/i.test(values.cases!) ? 'file' : 'folder';
  process.stdout.write(`replay: ${same} identical, ${drift} drifted, ${unrecorded} not recorded, ${failed} failed; ${missing} recorded decision${missing === 1 ? '' : 's'} had no case in the ${source}\n`);
  // Nothing compared is not a pass: the cases are not the ones recorded (a CSV row without an id takes its case id
  // from the file's name).
  if (same + drift === 0) fail(`audit replay: no case matched a decision in ${log} (cases match by domain, profile, case id and decision time; a CSV row without an id is named after its file)`);
  return drift + failed > 0 ? 1 : 0;
}

/**
 * The audit trail as compliance uses it, through the built CLI: reports recorded in a signed log (once per
 * decision), the PDF carrying its own record, verify / prove / check-proof / export / replay, and tampering
 * caught with the first bad record named.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';
import { canonicalize } from '../../src/audit/canonical.js';
import { sha256Hex } from '../../src/audit/hash.js';
import { openLogWriter } from '../../src/audit/log.js';
import { logRecords } from '../helpers/audit-log.js';
import { packagePath } from '../../src/paths.js';

const CLI = packagePath('dist', 'src', 'cli', 'main.js');
let dir: string;
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const KEY = () => path.join(dir, 'keys', 'audit-signing.key.pem');
const PUB = () => path.join(dir, 'keys', 'audit-signing.pub.pem');
const creditCase = packagePath('domains', 'credit', 'demo', 'app-1001-refused.yaml');
const dermCase = packagePath('domains', 'dermatology', 'demo', 'derm-001.yaml');

beforeAll(() => {
  dir = tempDir('audit-cli-');
  expect(run('audit', 'keygen', '--out', 'keys').code).toBe(0);
  expect(fs.statSync(KEY()).mode & 0o777).toBe(0o600);
  for (const [domain, file] of [['credit', creditCase], ['dermatology', dermCase]]) {
    const r = run('report', '--domain', domain, '--case', file, '--out', 'out', '--audit', 'audit.log', '--audit-key', KEY());
    expect(r.code, r.stderr).toBe(0);
  }
}, 120_000);

describe('lrp-report audit', () => {
  it('records each decision once, and a verified log holds them', () => {
    const again = run('report', '--domain', 'credit', '--case', creditCase, '--out', 'out', '--audit', 'audit.log', '--audit-key', KEY());
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/already in audit\.log .* not recorded twice/);
    const records = logRecords(path.join(dir, 'audit.log'));
    expect(records.map((r) => r.domain)).toEqual(['credit', 'dermatology']);
    const v = run('audit', 'verify', 'audit.log', '--key', PUB());
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/verified: 2 records, 2 signed checkpoints/);
  }, 60_000);

  it('a decision recorded with some documents is not rendered into others under the same log: refused, nothing written', () => {
    const other = run('report', '--domain', 'credit', '--case', creditCase, '--out', 'letters-only', '--audit', 'audit.log', '--audit-key', KEY(), '--documents', 'adverse-action-letter');
    expect(other.code).toBe(1);
    expect(other.stderr.trim().split('\n')).toHaveLength(1);
    expect(other.stderr).toMatch(/audit\.log already records decision credit:APP-1001:\w+ with other documents .*its own log/);
    expect(fs.existsSync(path.join(dir, 'letters-only')) ? fs.readdirSync(path.join(dir, 'letters-only')) : []).toEqual([]);
    // In a log of its own, the second rendering is recorded.
    const own = run('report', '--domain', 'credit', '--case', creditCase, '--out', 'letters-only', '--audit', 'letters.log', '--audit-key', KEY(), '--documents', 'adverse-action-letter');
    expect(own.code, own.stderr).toBe(0);
    expect(logRecords(path.join(dir, 'letters.log'))[0].rendered.documents.map((d) => d.name)).toEqual(['adverse-action-letter', 'adverse-action-letter']);
  }, 60_000);

  it('a letter PDF carries its decision record, and the log holds that record with the PDF\'s digest', () => {
    const pdf = path.join(dir, 'out', 'APP-1001.adverse-action-letter.pdf');
    const detached = fs.mkdtempSync(path.join(dir, 'detach-'));
    execFileSync('pdfdetach', ['-saveall', '-o', detached, pdf]);
    const attached = JSON.parse(fs.readFileSync(path.join(detached, 'lrp-report-decision-record.json'), 'utf8')) as Record<string, unknown>;
    const logged = logRecords(path.join(dir, 'audit.log'))[0];
    const { rendered, ...decision } = logged;
    expect(canonicalize(attached)).toBe(canonicalize(decision));
    expect(rendered.documents.find((d) => d.name === 'adverse-action-letter' && d.format === 'pdf')!.sha256).toBe(sha256Hex(fs.readFileSync(pdf)));
  });

  it('checks a report on its own against the log: the one recorded passes, an altered copy is named', () => {
    const pdf = path.join(dir, 'out', 'APP-1001.adverse-action-letter.pdf');
    const ok = run('audit', 'check-document', 'audit.log', pdf, '--key', PUB());
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/recorded: the adverse-action-letter \(pdf, en\) of decision credit:APP-1001:[0-9a-f]+ \(case APP-1001, refused, decided .*\); audit\.log verified/);
    expect(run('audit', 'check-document', 'audit.log', pdf.replace(/\.pdf$/, '.html'), '--key', PUB()).code).toBe(0);
    // One byte of the attachment's stream changed: still a PDF, no longer the one recorded.
    const bytes = fs.readFileSync(pdf);
    const at = bytes.indexOf('/Type /EmbeddedFile');
    const altered = Buffer.from(bytes);
    altered[bytes.indexOf('stream\n', at) + 20] ^= 1;
    fs.writeFileSync(path.join(dir, 'altered.pdf'), altered);
    const bad = run('audit', 'check-document', 'audit.log', 'altered.pdf', '--key', PUB());
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^lrp-report: error: altered\.pdf: NOT RECORDED: no record in audit\.log lists a document with its SHA-256 [0-9a-f]{64}/);
  });

  it('names the first bad record when a byte of the log is changed', () => {
    const text = fs.readFileSync(path.join(dir, 'audit.log'), 'utf8');
    const lines = text.split('\n');
    // Change the probability of the second record (line 3: record, checkpoint, record, checkpoint).
    lines[2] = lines[2].replace(/"probability":0\.(\d)/, (_, d: string) => `"probability":0.${(Number(d) + 1) % 10}`);
    expect(lines[2]).not.toBe(text.split('\n')[2]);
    fs.writeFileSync(path.join(dir, 'tampered.log'), lines.join('\n'));
    const v = run('audit', 'verify', 'tampered.log', '--key', PUB());
    expect(v.code).toBe(1);
    expect(v.stderr.trim().split('\n')).toHaveLength(1);
    expect(v.stderr).toMatch(/NOT VERIFIED: line 3: digest does not match the line \(first record not vouched for: #1, dermatology:DERM-001:[0-9a-f]{16}\)$/m);
  });

  it('an edit with the hash chain recomputed is caught by the signed root, which names the records it covers, not a culprit', () => {
    // The documented line digest: SHA-256 of the line's RFC 8785 JSON without its digest, chained by prev.
    const lines = fs.readFileSync(path.join(dir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown> & { record?: { output: { probability: number } } });
    lines[0].record!.output.probability = 0.01;
    let prev = lines[0].prev as string;
    for (const line of lines) {
      line.prev = prev;
      delete line.digest;
      line.digest = sha256Hex(canonicalize(line));
      prev = line.digest as string;
    }
    fs.writeFileSync(path.join(dir, 'rechained.log'), `${lines.map((l) => canonicalize(l)).join('\n')}\n`);
    const v = run('audit', 'verify', 'rechained.log', '--key', PUB());
    expect(v.code).toBe(1);
    // No proof is made from such a log: anyone checking it would refuse it.
    const id = logRecords(path.join(dir, 'rechained.log'))[0].record_id;
    const proof = run('audit', 'prove', 'rechained.log', '--record', id, '--out', 'rechained-proof.json');
    expect(proof.stderr).toMatch(/rechained\.log: its records do not match its latest checkpoint, so no proof can be made/);
    expect(fs.existsSync(path.join(dir, 'rechained-proof.json'))).toBe(false);
    expect(v.stderr).toMatch(/NOT VERIFIED: line 2: checkpoint root does not match records 0\.\.0 \(first record not vouched for: #0, credit:APP-1001:[0-9a-f]{16}\)\n$/);
  });

  it("--known takes the checkpoints an auditor kept (a list, one, or an earlier bundle.json) and refuses a forged one as the file's fault", () => {
    expect(run('audit', 'export', 'audit.log', '--key', PUB(), '--out', 'kept').code).toBe(0);
    const bundle = JSON.parse(fs.readFileSync(path.join(dir, 'kept', 'bundle.json'), 'utf8')) as { checkpoint: Record<string, unknown> };
    fs.writeFileSync(path.join(dir, 'one.json'), JSON.stringify(bundle.checkpoint));
    fs.writeFileSync(path.join(dir, 'list.json'), JSON.stringify([bundle.checkpoint]));
    for (const known of [path.join('kept', 'bundle.json'), 'one.json', 'list.json']) expect(run('audit', 'verify', 'audit.log', '--key', PUB(), '--known', known).code, known).toBe(0);
    fs.writeFileSync(path.join(dir, 'forged.json'), JSON.stringify({ ...bundle.checkpoint, size: 1 }));
    const forged = run('audit', 'verify', 'audit.log', '--key', PUB(), '--known', 'forged.json');
    expect(forged.code).toBe(1);
    expect(forged.stderr).toMatch(/^lrp-report: error: --known forged\.json: .*signature/);
    fs.writeFileSync(path.join(dir, 'garbage.json'), '{"checkpoint": ');
    expect(run('audit', 'verify', 'audit.log', '--key', PUB(), '--known', 'garbage.json').stderr).toBe('lrp-report: error: --known garbage.json: not JSON\n');
    expect(run('audit', 'verify', 'audit.log').code).toBe(2); // --key is required: a usage error
  });

  it('proves a record offline, and refuses a doctored proof', () => {
    const id = logRecords(path.join(dir, 'audit.log'))[0].record_id;
    expect(run('audit', 'prove', 'audit.log', '--record', id, '--out', 'proof.json').code).toBe(0);
    const ok = run('audit', 'check-proof', 'proof.json', '--key', PUB());
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`record ${id} is in the log of 2 records`);
    const proof = JSON.parse(fs.readFileSync(path.join(dir, 'proof.json'), 'utf8')) as { record: { output: { probability: number } } };
    proof.record.output.probability = 0.001;
    fs.writeFileSync(path.join(dir, 'doctored.json'), JSON.stringify(proof));
    expect(run('audit', 'check-proof', 'doctored.json', '--key', PUB()).stderr).toMatch(/NOT VERIFIED/);
    // The genuine proof with a second "decision" that one JSON reader would show and another would check.
    const text = fs.readFileSync(path.join(dir, 'proof.json'), 'utf8');
    fs.writeFileSync(path.join(dir, 'two-faced.json'), text.replace('"decision": "', '"decision": "approved", "decision": "'));
    const twoFaced = run('audit', 'check-proof', 'two-faced.json', '--key', PUB());
    expect(twoFaced.code).toBe(1);
    expect(twoFaced.stderr).toBe('lrp-report: error: two-faced.json: the key "decision" appears twice in one object (JSON readers differ on which one counts)\n');
  });

  it('proves offline that the log only grew since a kept checkpoint, and refuses one the log does not extend', () => {
    fs.copyFileSync(path.join(dir, 'audit.log'), path.join(dir, 'growing.log'));
    expect(run('audit', 'export', 'growing.log', '--key', PUB(), '--out', 'kept-then').code).toBe(0);
    const grown = run('report', '--domain', 'credit', '--case', packagePath('domains', 'credit', 'demo', 'app-1003-no-hint.yaml'), '--out', 'out-grown', '--audit', 'growing.log', '--audit-key', KEY());
    expect(grown.code, grown.stderr).toBe(0);
    const made = run('audit', 'prove', 'growing.log', '--since', path.join('kept-then', 'bundle.json'), '--key', PUB(), '--out', 'consistency.json');
    expect(made.code, made.stderr).toBe(0);
    const checked = run('audit', 'check-proof', 'consistency.json', '--key', PUB());
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toMatch(/consistency\.json: verified: the log of 3 records extends the checkpoint of size 2 \(signed at .*\): the log only grew\n$/);
    // A doctored proof, and a kept checkpoint of another history (a fork), are refused.
    const proof = JSON.parse(fs.readFileSync(path.join(dir, 'consistency.json'), 'utf8')) as { proof: string[] };
    proof.proof[0] = proof.proof[0].replace(/^./, (c) => (c === '0' ? '1' : '0'));
    fs.writeFileSync(path.join(dir, 'doctored-consistency.json'), JSON.stringify(proof));
    expect(run('audit', 'check-proof', 'doctored-consistency.json', '--key', PUB()).stderr).toMatch(/NOT VERIFIED: the checkpoint of size 3 does not extend the checkpoint of size 2/);
    // Another history of three records: its latest checkpoint does not extend the kept one.
    for (const name of ['app-1003-no-hint.yaml', 'app-1002-approved.yaml', 'app-1001-refused.yaml']) {
      const r = run('report', '--domain', 'credit', '--case', packagePath('domains', 'credit', 'demo', name), '--out', 'out-other', '--audit', 'other.log', '--audit-key', KEY());
      expect(r.code, r.stderr).toBe(0);
    }
    expect(run('audit', 'prove', 'other.log', '--since', path.join('kept-then', 'bundle.json'), '--key', PUB()).stderr).toMatch(/other\.log: no consistency proof: the checkpoint of size 3 does not extend the checkpoint of size 2/);
    expect(run('audit', 'prove', 'growing.log', '--key', PUB()).code).toBe(2);
  }, 90_000);

  it('exports a bundle an auditor can check alone', () => {
    const r = run('audit', 'export', 'audit.log', '--key', PUB(), '--out', 'bundle', '--from', '2026-01-01T00:00:00Z', '--to', '2027-01-01T00:00:00Z');
    expect(r.code, r.stderr).toBe(0);
    const files = fs.readdirSync(path.join(dir, 'bundle')).sort();
    expect(files).toEqual(['README.txt', 'audit-record.schema.json', 'audit-signing.pub.pem', 'bundle.json', 'model-cards']);
    expect(fs.readdirSync(path.join(dir, 'bundle', 'model-cards')).sort()).toEqual(['german-credit-mlp-1.0.0.card.yaml', 'synthetic-lesion-classifier-1.0.0.card.yaml'].sort());
    const bundle = JSON.parse(fs.readFileSync(path.join(dir, 'bundle', 'bundle.json'), 'utf8')) as { proofs: { record: { probability?: number } }[] };
    expect(bundle.proofs).toHaveLength(2);
    // What the bundle's README.txt tells the auditor to run.
    expect(fs.readFileSync(path.join(dir, 'bundle', 'README.txt'), 'utf8')).toContain('lrp-report audit check-proof bundle.json --key audit-signing.pub.pem');
    const checked = run('audit', 'check-proof', path.join('bundle', 'bundle.json'), '--key', path.join('bundle', 'audit-signing.pub.pem'));
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toMatch(/verified: PARTIAL: 2 of the 2 records the checkpoint signs, those decided in \[2026-01-01T00:00:00Z, 2027-01-01T00:00:00Z\), proven; that no record of that window was left out cannot be shown/);
    const doctored = JSON.parse(fs.readFileSync(path.join(dir, 'bundle', 'bundle.json'), 'utf8')) as { proofs: { record: { case_id: string } }[] };
    doctored.proofs[1].record.case_id = 'SOMEONE-ELSE';
    fs.writeFileSync(path.join(dir, 'doctored-bundle.json'), JSON.stringify(doctored));
    const refused = run('audit', 'check-proof', 'doctored-bundle.json', '--key', PUB());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/doctored-bundle\.json: NOT VERIFIED: proof 2: /);
    expect(fs.readFileSync(path.join(dir, 'bundle', 'audit-signing.pub.pem'), 'utf8')).toBe(fs.readFileSync(PUB(), 'utf8'));
    // The private key where the public one goes: refused (the export would have handed it to the auditor).
    const leak = run('audit', 'export', 'audit.log', '--key', KEY(), '--out', 'bundle-leak');
    expect(leak.code).toBe(1);
    expect(leak.stderr.trim()).toMatch(/^lrp-report: .*audit-signing\.key\.pem: this is a private key; give the public key/);
    expect(fs.existsSync(path.join(dir, 'bundle-leak')) ? fs.readdirSync(path.join(dir, 'bundle-leak')) : []).toEqual([]);
    expect(run('audit', 'verify', 'audit.log', '--key', KEY()).code).toBe(1);
    const backwards = run('audit', 'export', 'audit.log', '--key', PUB(), '--out', 'bundle2', '--from', '2026-12-01', '--to', '2026-01-01');
    expect(backwards.code).toBe(1);
    expect(backwards.stderr).toMatch(/--from 2026-12-01 is after --to 2026-01-01/);
  });

  it('replays recorded cases: identical, then drift when a case changed', () => {
    const cases = path.join(dir, 'cases');
    fs.mkdirSync(cases);
    fs.copyFileSync(creditCase, path.join(cases, 'app.yaml'));
    let r = run('audit', 'replay', 'audit.log', '--cases', cases, '--key', PUB());
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/replay: 1 identical, 0 drifted/);
    // With the key, a log that does not verify is not replayed: its records are not the ones signed.
    const tampered = run('audit', 'replay', 'tampered.log', '--cases', cases, '--key', PUB());
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toMatch(/^lrp-report: error: tampered\.log: NOT VERIFIED: /);
    const changed = fs.readFileSync(creditCase, 'utf8').replace(/credit_amount: \d+/, 'credit_amount: 999');
    expect(changed).not.toBe(fs.readFileSync(creditCase, 'utf8'));
    fs.writeFileSync(path.join(cases, 'app.yaml'), changed);
    r = run('audit', 'replay', 'audit.log', '--cases', cases);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/DRIFT app\.yaml \(credit:APP-1001:[0-9a-f]+\): input changed; .*record differs/);
    // Cases that are not the recorded ones compare nothing: that is not a pass.
    const others = path.join(dir, 'other-cases');
    fs.mkdirSync(others);
    fs.writeFileSync(path.join(others, 'app.yaml'), fs.readFileSync(creditCase, 'utf8').replace(/^id: APP-1001$/m, 'id: APP-9999'));
    r = run('audit', 'replay', 'audit.log', '--cases', others);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/NOT RECORDED app\.yaml/);
    expect(r.stderr).toMatch(/^lrp-report: error: audit replay: no case matched a decision in audit\.log/);
  }, 120_000);

  it('an audit log that cannot be written is refused before any document is written', () => {
    fs.writeFileSync(path.join(dir, 'notafolder'), 'x');
    for (const args of [['report', '--domain', 'credit', '--case', creditCase], ['batch', '--domain', 'credit', '--cases', packagePath('domains', 'credit', 'demo')]]) {
      const r = run(...args, '--out', 'unlogged', '--audit', 'notafolder/audit.log', '--audit-key', KEY());
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/cannot write notafolder\/audit\.log: notafolder is not a folder$/m);
      const written = fs.existsSync(path.join(dir, 'unlogged')) ? fs.readdirSync(path.join(dir, 'unlogged')).filter((f) => /\.(pdf|html)$/.test(f)) : [];
      expect(written).toEqual([]);
    }
  }, 60_000);

  it('refuses an audit log without a signing key, by name', () => {
    const r = run('report', '--domain', 'credit', '--case', creditCase, '--out', 'out2', '--audit', 'other.log');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--audit LOG needs --audit-key KEY\.pem/);
    expect(fs.existsSync(path.join(dir, 'out2'))).toBe(false);
  });

  it('a log torn by a crash mid-write is refused by name, and `audit repair` removes only the torn line', () => {
    fs.copyFileSync(path.join(dir, 'audit.log'), path.join(dir, 'torn.log'));
    fs.appendFileSync(path.join(dir, 'torn.log'), '{"digest":"ab');
    expect(run('audit', 'verify', 'torn.log', '--key', PUB()).stderr).toMatch(/NOT VERIFIED.*last line incomplete/);
    const refused = run('report', '--domain', 'credit', '--case', creditCase, '--out', 'out3', '--audit', 'torn.log', '--audit-key', KEY());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/torn\.log: the last line is incomplete .* lrp-report audit repair torn\.log/);
    const repaired = run('audit', 'repair', 'torn.log');
    expect(repaired.stdout).toMatch(/removed an incomplete last line \(13 bytes\)/);
    expect(fs.readFileSync(path.join(dir, 'torn.log'))).toEqual(fs.readFileSync(path.join(dir, 'audit.log')));
    expect(run('audit', 'verify', 'torn.log', '--key', PUB()).code).toBe(0);
    // A whole line that is no record, after every record: named by its place, not as a record that is not there.
    fs.appendFileSync(path.join(dir, 'torn.log'), '\n');
    expect(run('audit', 'verify', 'torn.log', '--key', PUB()).stderr).toMatch(/NOT VERIFIED: line \d+: not UTF-8 JSON \(after the 2 records read before it\)\n$/);
  }, 60_000);

  it('a record forged onto the log without the key is not signed by the next report or batch; a re-run vouches for its own; audit seal signs after a check', () => {
    // A crash left the credit decision's record unsigned: the log cut before its checkpoint, a line anyone could write.
    const signedLines = fs.readFileSync(path.join(dir, 'audit.log'), 'utf8').trimEnd().split('\n');
    const creditOnly = `${signedLines.slice(0, 1).join('\n')}\n`;
    fs.writeFileSync(path.join(dir, 'crashed.log'), creditOnly);
    // Another case's report would sign it: refused before any file is written.
    const other = run('report', '--domain', 'credit', '--case', packagePath('domains', 'credit', 'demo', 'app-1002-approved.yaml'), '--out', 'out-crashed', '--audit', 'crashed.log', '--audit-key', KEY());
    expect(other.code).toBe(1);
    expect(other.stderr.trim().split('\n')).toHaveLength(1);
    expect(other.stderr).toMatch(/crashed\.log: record #0 \(credit:APP-1001:[0-9a-f]+\) is signed by no checkpoint and was not made again by this run, so nothing is signed/);
    expect(fs.existsSync(path.join(dir, 'out-crashed')) ? fs.readdirSync(path.join(dir, 'out-crashed')) : []).toEqual([]);
    // Its own case run again makes the same record, so it is signed.
    const again = run('report', '--domain', 'credit', '--case', creditCase, '--out', 'out-crashed', '--audit', 'crashed.log', '--audit-key', KEY());
    expect(again.code, again.stderr).toBe(0);
    expect(run('audit', 'verify', 'crashed.log', '--key', PUB()).stdout).toMatch(/verified: 1 records, 1 signed checkpoints/);
    // An edited copy of that record (chain recomputed) is not the record the case makes: not signed, named.
    const line = JSON.parse(signedLines[0]) as Record<string, unknown> & { record: { output: { decision: string } } };
    line.record.output.decision = 'approved';
    delete line.digest;
    line.digest = sha256Hex(canonicalize(line));
    fs.writeFileSync(path.join(dir, 'forged.log'), `${canonicalize(line)}\n`);
    const forged = run('report', '--domain', 'credit', '--case', creditCase, '--out', 'out-forged', '--audit', 'forged.log', '--audit-key', KEY());
    expect(forged.code).toBe(1);
    expect(forged.stderr).toMatch(/forged\.log holds another record of decision credit:APP-1001:[0-9a-f]+, signed by no checkpoint/);
    // The operator's explicit word, after checking the rest of the log under the key: the record is listed and signed.
    const sealed = run('audit', 'seal', 'forged.log', '--key', KEY());
    expect(sealed.code, sealed.stderr).toBe(0);
    expect(sealed.stdout).toMatch(/^signed: credit:APP-1001:[0-9a-f]+ \(case APP-1001, approved, decided [^)]+\)\nforged\.log: 1 record signed\n$/);
    expect(run('audit', 'verify', 'forged.log', '--key', PUB()).code).toBe(0);
    expect(run('audit', 'seal', 'audit.log', '--key', PUB()).stderr).toMatch(/not a PEM private key/);
    // After a key rotation: a log signed with the earlier key, a record left unsigned, sealed with the new key.
    expect(run('audit', 'keygen', '--out', 'keys2').code).toBe(0);
    fs.copyFileSync(path.join(dir, 'audit.log'), path.join(dir, 'rotated.log'));
    const [first] = logRecords(path.join(dir, 'rotated.log'));
    openLogWriter(path.join(dir, 'rotated.log')).append([{ ...first, case_id: 'APP-9001', record_id: `${first.domain}:APP-9001:0123456789abcdef` }]);
    const newKey = path.join(dir, 'keys2', 'audit-signing.key.pem');
    const newPub = path.join(dir, 'keys2', 'audit-signing.pub.pem');
    expect(run('audit', 'seal', 'rotated.log', '--key', newKey).stderr).toMatch(/rotated\.log: not sealed: the log does not verify \(.*checkpoint signed by unknown key/);
    const rotated = run('audit', 'seal', 'rotated.log', '--key', newKey, '--earlier-key', PUB());
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/^signed: [a-z]+:APP-9001:0123456789abcdef .*\nrotated\.log: 1 record signed\n$/);
    expect(run('audit', 'verify', 'rotated.log', '--key', PUB(), '--key', newPub).code).toBe(0);
    // A report signing with the new key extends a log whose last checkpoint the earlier key signed only when given it.
    fs.copyFileSync(path.join(dir, 'audit.log'), path.join(dir, 'rotated2.log'));
    const approved = packagePath('domains', 'credit', 'demo', 'app-1002-approved.yaml');
    const refused = run('report', '--domain', 'credit', '--case', approved, '--out', 'out-rotated', '--audit', 'rotated2.log', '--audit-key', newKey);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/rotated2\.log: its last checkpoint is signed by key [0-9a-f]{16}, which this run cannot verify: .*--audit-earlier-key PUB\.pem/);
    expect(fs.existsSync(path.join(dir, 'out-rotated')) ? fs.readdirSync(path.join(dir, 'out-rotated')) : []).toEqual([]);
    const extended = run('report', '--domain', 'credit', '--case', approved, '--out', 'out-rotated', '--audit', 'rotated2.log', '--audit-key', newKey, '--audit-earlier-key', PUB());
    expect(extended.code, extended.stderr).toBe(0);
    expect(run('audit', 'verify', 'rotated2.log', '--key', PUB(), '--key', newPub).code).toBe(0);
  }, 90_000);
});

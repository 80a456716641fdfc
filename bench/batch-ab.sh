#!/usr/bin/env bash
# Interleaved timing of the batch benchmark (BENCHMARKS.md, "Reports end to end") for one or more builds.
#
#   bench/batch-ab.sh ROUNDS [--applicants N] [--documents NAME,...] BUILD_DIR...
#
# Each BUILD_DIR is a built checkout (e.g. `git worktree add /tmp/old <commit>`, link node_modules, npm run build).
# Every run writes a new folder and log under a scratch folder beside the others and `sync`s first (not timed); the
# folders are deleted when the sitting ends. Deleting the last run's 1200 files right before a run made every new
# file slow on an ext4 without a journal (inodes freed in the last minute are skipped), so the scratch folder should
# not have been emptied in the minute before a sitting either. Prints each run, then the times per build.
set -euo pipefail
rounds=$1; shift
applicants=1000; documents=adverse-action-letter
while [[ $# -gt 0 && $1 == --* ]]; do
  case $1 in
    --applicants) applicants=$2; shift 2 ;;
    --documents) documents=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 1 ;;
  esac
done
[[ $# -gt 0 ]] || { echo "usage: bench/batch-ab.sh ROUNDS [--applicants N] [--documents NAME,...|all] BUILD_DIR..." >&2; exit 1; }
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${BENCH_DIR:-$root}/.bench-batch-XXXXXX")
trap 'rm -rf "$work"' EXIT
# The loan book: German Credit rows in turn, each with an id and a decision date.
node -e '
  const fs = require("fs");
  const [header, ...rows] = fs.readFileSync(process.argv[1], "utf8").trim().split("\n");
  const n = Number(process.argv[2]);
  const lines = Array.from({ length: n }, (_, i) => `A${String(i + 1).padStart(5, "0")},2026-11-20,${rows[i % rows.length]}`);
  fs.writeFileSync(process.argv[3], `id,date,${header}\n${lines.join("\n")}\n`);
' "$root/models/credit/data/german_credit_tidy.csv" "$applicants" "$work/book.csv"
node "$root/dist/src/cli/main.js" audit keygen --out "$work/keys" > /dev/null
docs=(); [[ $documents == all ]] || docs=(--documents "$documents")
for i in $(seq 1 "$rounds"); do
  for build in "$@"; do
    out="$work/$(basename "$build")-$i"
    sync
    start=$(date +%s.%N)
    node "$build/dist/src/cli/main.js" batch --domain credit --cases "$work/book.csv" --out "$out" --audit "$out.log" \
      --audit-key "$work/keys/audit-signing.key.pem" --workers 2 "${docs[@]}" > /dev/null 2>&1
    end=$(date +%s.%N)
    echo "$build $(echo "$end - $start" | bc) s, $(find "$out" -name '*.pdf' | wc -l) PDFs"
  done
done | awk '{ print } { t[$1] = t[$1] " " $2 } END { for (b in t) print "== " b ":" t[b] }'

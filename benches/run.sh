#!/usr/bin/env bash
# The performance benchmark: generates synthetic repositories (full size and
# one tenth), times comply against the I/O floor and against the same check
# written in Python with PyYAML's C loader, measures peak memory, and times
# the git freshness pass against plain `git log`. Rerun it any time:
#
#   benches/run.sh            # 5 rounds, medians
#   ROUNDS=3 benches/run.sh
#
# Figures are wall-clock medians in seconds, measured in one run; ratios are
# against the floor of the same size.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
OUT=target/bench
AS_OF=2026-01-01
mkdir -p "$OUT"

python3 -c 'import yaml; assert yaml.__with_libyaml__' 2>/dev/null || pip install --quiet pyyaml
cargo build --release --quiet --bin comply --example gen
COMPLY=$PWD/target/release/comply
GEN=$PWD/target/release/examples/gen

"$GEN" --out "$OUT/full" --frameworks 3 --controls 2000 --items 50000 --files 500 --evidence 50000 >/dev/null
"$GEN" --out "$OUT/tenth" --frameworks 3 --controls 200 --items 5000 --files 50 --evidence 5000 >/dev/null
"$GEN" --out "$OUT/git" --frameworks 3 --controls 200 --items 5000 --files 50 --evidence 5000 \
  --commits 20000 --history 5000 >/dev/null

# median SECONDS of ROUNDS runs of a command (output discarded; exit code ignored)
median() {
  local times=()
  for _ in $(seq "$ROUNDS"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=("$(( (end - start) / 1000000 ))")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]/1000}'
}

# peak resident memory in MiB of one run
peak() {
  /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.0f", $1/1024}'
}

floor() {
  cat "$1"/controls/*.yaml "$1"/backlog/*.yaml "$1"/comply.yaml >/dev/null
  find "$1/evidence" >/dev/null
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

report() {
  local name=$1 dir=$2
  local f c s r p
  f=$(median floor "$dir")
  c=$(median "$COMPLY" --root "$dir" check --as-of $AS_OF)
  s=$(median "$COMPLY" --root "$dir" status --format json --as-of $AS_OF)
  r=$(median "$COMPLY" --root "$dir" report --as-of $AS_OF)
  p=$(median python3 benches/check.py "$dir" $AS_OF)
  echo "## $name ($(du -sh "$dir/backlog" | cut -f1) of backlog YAML)"
  echo
  echo "| command | median s | x floor | peak MiB |"
  echo "|---|---|---|---|"
  echo "| floor: cat every YAML file + find evidence | $f | 1.0 | - |"
  echo "| comply check | $c | $(ratio "$c" "$f") | $(peak "$COMPLY" --root "$dir" check --as-of $AS_OF) |"
  echo "| comply status --format json | $s | $(ratio "$s" "$f") | $(peak "$COMPLY" --root "$dir" status --format json --as-of $AS_OF) |"
  echo "| comply report | $r | $(ratio "$r" "$f") | $(peak "$COMPLY" --root "$dir" report --as-of $AS_OF) |"
  echo "| python3 benches/check.py (PyYAML CSafeLoader) | $p | $(ratio "$p" "$f") | $(peak python3 benches/check.py "$dir" $AS_OF) |"
  echo
  echo "comply check is $(ratio "$p" "$c") x faster than the Python check."
  echo
}

git_pass() {
  local dir=$OUT/git
  local log ev sample per
  log=$(median git -C "$dir" log --name-only --format=%ct)
  ev=$(median "$COMPLY" --root "$dir" evidence --format json --as-of $AS_OF)
  # One `git log -1` per path, timed on every 50th of the 5,000 history files.
  sample=$(git -C "$dir" ls-files 'evidence/*' | head -n 5000 | awk 'NR % 50 == 0')
  local count start end
  count=$(printf '%s\n' "$sample" | wc -l)
  start=$(date +%s%N)
  while IFS= read -r path; do git -C "$dir" log -1 --format=%ct -- "$path" >/dev/null; done <<<"$sample"
  end=$(date +%s%N)
  per=$(awk -v ns=$((end - start)) -v n="$count" -v total="$(git -C "$dir" ls-files 'evidence/*' | head -n 5000 | wc -l)" \
    'BEGIN { printf "%.1f", ns / 1e9 / n * total }')
  echo "## Git freshness pass (20,000 commits, 5,000 evidence files)"
  echo
  echo "| command | median s | x git log |"
  echo "|---|---|---|"
  echo "| git log --name-only --format=%ct | $log | 1.0 |"
  echo "| comply evidence --format json (load, resolve, freshness pass) | $ev | $(ratio "$ev" "$log") |"
  echo "| git log -1 per path (extrapolated from $count paths) | $per | $(ratio "$per" "$log") |"
  echo
  echo "comply's pass is $(ratio "$per" "$ev") x faster than one git log per path."
}

{
  echo "# comply benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $ROUNDS rounds"
  echo
  report "Full size: 3 x 2,000 controls, 50,000 items in 500 files, 50,000 evidence paths" "$OUT/full"
  report "One tenth: 3 x 200 controls, 5,000 items in 50 files, 5,000 evidence paths" "$OUT/tenth"
  git_pass
} | tee "$OUT/results.md"

#!/usr/bin/env bash
# The scaling benchmark (issue 14): the hostile shapes that used to cost
# quadratic time or unbounded memory, each at n and 10n records. A command
# that is linear (or n log n) takes about 10x (at most about 12x) as long at
# 10n; a quadratic one about 100x. Not a test: timings on a shared machine
# vary, so nothing here fails a build. Rerun any time:
#
#   benches/scaling.sh              # 3 rounds, medians
#   ROUNDS=1 LIMIT=60 benches/scaling.sh
#
# Prints a Markdown table (also written to target/bench/scaling.md): shape,
# n, time at n, time at 10n, the ratio, and peak memory at 10n. A run that
# takes longer than LIMIT seconds (default 120) is stopped and shown as
# `>LIMIT`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
LIMIT=${LIMIT:-120}
OUT=target/bench/scaling
AS_OF=2026-06-01
rm -rf "$OUT"
mkdir -p "$OUT"

# COMPLY=/path/to/another/build benches/scaling.sh compares a build (the
# figures of the code before issue 14 in docs/performance.md were taken so).
if [ -z "${COMPLY:-}" ]; then
  cargo build --release --quiet --bin comply
  COMPLY=$PWD/target/release/comply
fi

# gen SHAPE N DIR: writes the repository (or Markdown page) of a shape.
gen() {
  python3 - "$@" <<'PY'
import os, sys
shape, n, d = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(d, exist_ok=True)
def write(path, text):
    full = os.path.join(d, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(text)
matrix = "framework: fw\ncontrols:\n  - id: C1\n    title: One\n    status: planned\n"
def items(rows, per_file=10_000):
    for start in range(0, len(rows), per_file):
        write(f"backlog/b{start // per_file:04}.yaml",
              "framework: fw\nitems:\n" + "".join(rows[start:start + per_file]))
if shape == "unknown-controls":
    # n controls, and n items each naming a control that does not exist:
    # a "did you mean" over every control id, per reference, before
    write("controls/fw.yaml", "framework: fw\ncontrols:\n" + "".join(
        f"  - id: C{i}\n    title: t\n    status: planned\n" for i in range(n)))
    items([f"  - id: I{i}\n    title: t\n    risk: low\n    controls: [X{i}]\n" for i in range(n)])
elif shape == "owners":
    # n declared owners, n items each with an owner none of them is
    write("controls/fw.yaml", matrix)
    write("comply.yaml", "owners:\n" + "".join(f"  - name: Owner {i}\n" for i in range(n)))
    items([f"  - id: I{i}\n    title: t\n    risk: low\n    owner: Stranger {i}\n" for i in range(n)])
elif shape == "acceptances":
    # n overdue high-risk items, each with a risk acceptance
    write("controls/fw.yaml", matrix)
    items([f"  - id: I{i}\n    title: t\n    risk: high\n    due: 2026-01-01\n" for i in range(n)])
    rows = [f"  - target: I{i}\n    reason: r\n    approved_by: A\n    approved_on: 2026-01-01\n    expires: 2026-12-31\n" for i in range(n)]
    for start in range(0, n, 10_000):
        write(f"exceptions/e{start // 10_000:04}.yaml", "exceptions:\n" + "".join(rows[start:start + 10_000]))
elif shape == "import-cell":
    # one table cell naming n controls
    ids = ", ".join(f"CC{i}.1" for i in range(n))
    write("page.md", f"# SOC 2 plan\n\n| Task | Controls | Owner |\n|---|---|---|\n| Do it | {ids} | Ops |\n")
elif shape == "globs":
    # n evidence files, and n done items each naming its file by a glob:
    # every glob used to walk the directory again
    write("controls/fw.yaml", matrix)
    for i in range(n):
        write(f"ev/a/f{i}.txt", "x")
    items([f"  - id: I{i}\n    title: t\n    risk: low\n    status: done\n    done: 2026-01-01\n    evidence: [\"ev/**/f{i}.t?t\"]\n" for i in range(n)])
elif shape == "trend":
    # 26 weekly commits of a backlog of n items (the history is made by the caller)
    write("controls/fw.yaml", matrix)
    items([f"  - id: I{i}\n    title: t\n    risk: low\n    due: 2026-0{1 + i % 5}-15\n" for i in range(n)])
PY
}

# commits DIR: 26 weekly commits, each re-dating the items, so every period
# of `trend --every week` reads a different tree.
commits() {
  local dir=$1
  git -C "$dir" init -q -b main
  for week in $(seq 0 25); do
    local day
    day=$(date -u -d "2026-01-01 + $((week * 7)) days" +%Y-%m-%d)
    sed -i "s/title: t[0-9]*$/title: t$week/" "$dir"/backlog/*.yaml
    git -C "$dir" add -A
    GIT_AUTHOR_DATE="${day}T12:00:00Z" GIT_COMMITTER_DATE="${day}T12:00:00Z" \
      git -C "$dir" -c user.name=Bench -c user.email=b@example.com commit -q -m "week $week"
  done
}

# seconds of one run (or >LIMIT)
once() {
  local start end
  local code=0
  start=$(date +%s%N)
  # exit 1 (gate failed) and 2 (invalid) are answers; 124 is the limit
  timeout "$LIMIT" "$@" >/dev/null 2>&1 || code=$?
  end=$(date +%s%N)
  if [ "$code" = 124 ]; then
    echo ">$LIMIT"
    return
  fi
  awk -v ns=$((end - start)) 'BEGIN { printf "%.3f", ns / 1e9 }'
}

median() {
  local times=()
  for _ in $(seq "$ROUNDS"); do
    local t
    t=$(once "$@")
    case $t in '>'*) echo "$t"; return ;; esac
    times+=("$t")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# peak resident MiB of one run (its exit code is an answer, not a failure)
peak() {
  { /usr/bin/time -f '%M' timeout "$LIMIT" "$@" 2>&1 >/dev/null || true; } | tail -1 | awk '{printf "%.0f", $1/1024}'
}

ratio() {
  case "$1$2" in *'>'*) echo "n/a"; return ;; esac
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b / a }'
}

{
  echo "| shape | command | n | time at n (s) | time at 10n (s) | 10n / n | peak MiB at 10n |"
  echo "|---|---|---|---|---|---|---|"
} | tee "$OUT/../scaling.md"

row() {
  local shape=$1 n=$2 cmd=$3
  local small=$OUT/$shape-$n big=$OUT/$shape-$((n * 10))
  gen "$shape" "$n" "$small"
  gen "$shape" "$((n * 10))" "$big"
  if [ "$shape" = trend ]; then commits "$small"; commits "$big"; fi
  local args
  case $cmd in
    validate) args=(validate) ;;
    check) args=(check --as-of $AS_OF) ;;
    trend) args=(trend --every week --since 2026-01-01 --as-of 2026-07-01) ;;
    import) args=(import page.md --framework soc2 --output out) ;;
  esac
  local t1 t10 p
  if [ "$cmd" = import ]; then
    t1=$(cd "$small" && median sh -c 'rm -rf out && mkdir out && "$0" "$@"' "$COMPLY" "${args[@]}")
    t10=$(cd "$big" && median sh -c 'rm -rf out && mkdir out && "$0" "$@"' "$COMPLY" "${args[@]}")
    p=$(cd "$big" && rm -rf out && mkdir out && peak "$COMPLY" "${args[@]}")
  else
    t1=$(median "$COMPLY" --root "$small" "${args[@]}")
    t10=$(median "$COMPLY" --root "$big" "${args[@]}")
    p=$(peak "$COMPLY" --root "$big" "${args[@]}")
  fi
  echo "| $shape | \`comply $cmd\` | $n | $t1 | $t10 | $(ratio "$t1" "$t10") | $p |" | tee -a "$OUT/../scaling.md"
}

# SHAPES="owners trend" benches/scaling.sh runs only those rows.
SHAPES=${SHAPES:-unknown-controls owners acceptances import-cell globs trend}
for shape in $SHAPES; do
  case $shape in
    unknown-controls) row unknown-controls 8000 validate ;;
    owners) row owners 10000 validate ;;
    acceptances) row acceptances 2000 check ;;
    import-cell) row import-cell 15000 import ;;
    globs) row globs 300 check ;;
    trend) row trend 2000 trend ;;
  esac
done

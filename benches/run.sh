#!/usr/bin/env bash
# The performance benchmark (issue 16). Generates synthetic repositories in
# two shapes and ten times the uniform one, times comply against the I/O
# floor and against the same gate written in Python with PyYAML's C loader,
# measures peak memory, checks the issue's targets, and times the git
# freshness pass against plain `git log`. Rerun it any time:
#
#   benches/run.sh                                # 5 rounds (3 at 10x), medians
#   ROUNDS=3 ROUNDS_10X=1 benches/run.sh
#   SHAPES="uniform varied" benches/run.sh        # some sections only (uniform varied 10x 10x-varied git)
#   SCALE=10 ROUNDS=1 benches/run.sh              # every size divided by 10, to try the script
#   KEEP_10X=1 benches/run.sh                     # keep the 10x repositories (about 2 GB each) for the next run
#
# Shapes (examples/gen.rs): `uniform` is the shape of the earlier figures
# (3 x 2,000 controls, 50,000 items in 500 equal files, 50,000 evidence
# files); `varied` has the same nominal size with files of 10 to 5,000
# items, evidence as files, directories and globs, block scalars, reviews
# and risk acceptances; `10x` is the uniform shape with every count ten
# times larger (3 x 20,000 controls, 500,000 items in 5,000 files, 500,000
# evidence files), and `10x-varied` the varied shape ten times larger. Each
# 10x repository is generated just before it is measured and deleted just
# after, so that one is on disk at a time.
#
# Every command of a table runs once for its peak memory (which also warms
# the cache and catches a failure), then the commands take turns, round by
# round, so a noisy machine slows them alike. Figures are wall-clock medians
# in seconds; ratios are within the same run. A command that fails (an exit
# code that is not an answer) is shown with its exit code and the start of
# its error output instead of a time. Output is also written to
# target/bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
ROUNDS_10X=${ROUNDS_10X:-3}
SHAPES=${SHAPES:-uniform varied 10x 10x-varied git}
SCALE=${SCALE:-1}
KEEP_10X=${KEEP_10X:-0}
OUT=target/bench
AS_OF=2026-01-01
# The issue's targets.
TARGET_FLOOR=2      # comply check at most this many times the floor
TARGET_LEAN=15      # lean.py at least this many times comply check
TARGET_STATUS=1.3   # status --format json at most this many times check
TARGET_PEAK=200     # MiB, comply check at full size
TARGET_SCALE=11     # check at 10x at most this many times check at 1x
TARGET_PEAK_10X=1536
DISK_10X=3072       # MiB a 10x repository may take (one is on disk at a time)
mkdir -p "$OUT"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

python3 -c 'import yaml; assert yaml.__with_libyaml__' 2>/dev/null || pip install --quiet pyyaml
cargo build --release --quiet --bin comply --example gen --example floor
COMPLY=$PWD/target/release/comply
GEN=$PWD/target/release/examples/gen
FLOOR=$PWD/target/release/examples/floor

# n COUNT: COUNT divided by SCALE, at least 1.
n() { echo $(( $1 / SCALE > 0 ? $1 / SCALE : 1 )); }

wants() { case " $SHAPES " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# generate NAME ARGS...: writes $OUT/NAME with the generator, unless the
# same generator wrote it with the same arguments (the bytes would be the
# same); prints how long it took and how much disk it holds.
generate() {
  local name=$1
  shift
  local dir=$OUT/$name stamp="$OUT/$name.stamp" want
  want="$(md5sum <"$GEN" | cut -d' ' -f1) $*"
  if [ -d "$dir" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "$name: reused $dir ($(du -sm "$dir" | cut -f1) MiB)"
    return
  fi
  rm -f "$stamp"
  local start end
  start=$(date +%s%N)
  "$GEN" --out "$dir" "$@" >/dev/null
  end=$(date +%s%N)
  echo "$want" >"$stamp"
  echo "$name: generated in $(awk -v ns=$((end - start)) 'BEGIN { printf "%.1f", ns / 1e9 }') s, $(du -sm "$dir" | cut -f1) MiB"
}

# median SECONDS of ROUNDS runs of a command (output discarded; exit code
# ignored), for the git section.
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

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

# The commands of a table, by row name.
ROWS_FULL=(floor reader check status report lean)
label() {
  case $1 in
    floor) echo "floor: examples/floor (read every YAML file, lstat all evidence, 2 threads)" ;;
    reader) echo "floor + reader: examples/floor --parse (the floor, each file also parsed by comply's YAML reader)" ;;
    check) echo "comply check" ;;
    status) echo "comply status --format json" ;;
    report) echo "comply report" ;;
    lean) echo "python3 benches/lean.py (CSafeLoader, one stat per path)" ;;
    old) echo "python3 benches/check.py (the older script: confinement, realpath)" ;;
  esac
}

# argv ROW DIR: sets CMD to ROW's command line on DIR, and OK to the exit
# codes that are answers (the gate's 1 is one).
argv() {
  case $1 in
    floor) CMD=("$FLOOR" "$2") OK="0" ;;
    reader) CMD=("$FLOOR" --parse "$2") OK="0" ;;
    check) CMD=("$COMPLY" --root "$2" check --as-of "$AS_OF") OK="0 1" ;;
    status) CMD=("$COMPLY" --root "$2" status --format json --as-of "$AS_OF") OK="0" ;;
    report) CMD=("$COMPLY" --root "$2" report --as-of "$AS_OF") OK="0" ;;
    lean) CMD=(python3 benches/lean.py "$2" "$AS_OF") OK="0 1" ;;
    old) CMD=(python3 benches/check.py "$2" "$AS_OF") OK="0 1" ;;
  esac
}

# probe ROW DIR: one run of ROW for its peak memory; sets PEAK_<ROW> (MiB)
# and FAIL_<ROW> (empty, or the exit code and the start of the error
# output), and keeps its standard output in $WORK/ROW.out.
probe() {
  local row=$1 code=0
  argv "$row" "$2"
  /usr/bin/time -f '%M' -o "$WORK/peak" "${CMD[@]}" >"$WORK/$row.out" 2>"$WORK/$row.err" || code=$?
  printf -v "PEAK_$row" '%s' "$(awk '/^[0-9]+$/ { printf "%.0f", $1 / 1024 }' "$WORK/peak")"
  if [[ " $OK " == *" $code "* ]] && ! grep -q '^Traceback' "$WORK/$row.err"; then
    printf -v "FAIL_$row" '%s' ''
  else
    printf -v "FAIL_$row" '%s' "failed: exit $code: $(head -c 300 "$WORK/$row.err" | head -n 2 | tr '\n|' ' /')"
  fi
}

# measure DIR ROUNDS ROWS...: probes every row, then times the rows that
# did not fail in turn, ROUNDS times; sets TIME_<ROW> to the median.
measure() {
  local dir=$1 rounds=$2 row
  shift 2
  for row in "$@"; do
    probe "$row" "$dir"
    : >"$WORK/$row.times"
  done
  for _ in $(seq "$rounds"); do
    for row in "$@"; do
      local fail="FAIL_$row"
      [ -z "${!fail}" ] || continue
      argv "$row" "$dir"
      local start end
      start=$(date +%s%N)
      "${CMD[@]}" >/dev/null 2>&1 || true
      end=$(date +%s%N)
      echo $(( (end - start) / 1000000 )) >>"$WORK/$row.times"
    done
  done
  for row in "$@"; do
    printf -v "TIME_$row" '%s' "$(sort -n "$WORK/$row.times" | awk '{a[NR]=$1} END {if (NR) printf "%.3f", a[int((NR+1)/2)]/1000}')"
  done
}

# The figure of ROW: its median time, or its failure.
shown() {
  local time="TIME_$1" fail="FAIL_$1"
  if [ -n "${!fail}" ]; then echo "${!fail}"; else echo "${!time}"; fi
}

# The peak MiB of ROW, or - when it failed.
peak_of() {
  local peak="PEAK_$1" fail="FAIL_$1"
  if [ -n "${!fail}" ] || [ -z "${!peak}" ]; then echo "-"; else echo "${!peak}"; fi
}

# verdict VALUE OP TARGET: met or not met (n/a without a value).
verdict() {
  if [ -z "$1" ]; then echo "n/a"; return; fi
  awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { ok = (op == "<=") ? v <= t : (op == ">=") ? v >= t : v < t; print ok ? "met" : "NOT MET" }'
}

# ratio_of A B: A / B when both rows have a time, else nothing.
ratio_of() {
  local a="TIME_$1" b="TIME_$2" fa="FAIL_$1" fb="FAIL_$2"
  if [ -n "${!fa}${!fb}" ] || [ -z "${!a}" ] || [ -z "${!b}" ]; then return; fi
  awk -v a="${!a}" -v b="${!b}" 'BEGIN { printf "%.2f", a / b }'
}

# offenders ROW: the count the row printed (comply's last line, lean's line).
offenders() {
  case $1 in
    check) grep -Eo '^gate failed: [0-9]+' "$WORK/check.out" | grep -Eo '[0-9]+$' || echo 0 ;;
    *) grep -Eo '^[0-9]+ offenders' "$WORK/$1.out" | grep -Eo '^[0-9]+' || echo "?" ;;
  esac
}

# table TITLE DIR ROWS...: measures ROWS on DIR and prints the table, the
# offender counts and the target lines.
table() {
  local title=$1 dir=$2 row
  shift 2
  measure "$dir" "$ROUNDS" "$@"
  echo "## $title ($(du -sh "$dir/backlog" | cut -f1) of backlog YAML)"
  echo
  echo "| command | median s | x floor | peak MiB |"
  echo "|---|---|---|---|"
  for row in "$@"; do
    local x
    x=$(ratio_of "$row" floor)
    echo "| $(label "$row") | $(shown "$row") | ${x:--} | $(peak_of "$row") |"
  done
  echo
  local counts lean_count
  counts="comply check $(offenders check)"
  for row in lean old; do
    [[ " $* " == *" $row "* ]] || continue
    lean_count=$(offenders "$row")
    counts="$counts, $(basename "$(label "$row" | cut -d' ' -f2)") $lean_count"
  done
  echo "Offenders: $counts."
  echo
  local floor_x reader_x lean_x status_x
  floor_x=$(ratio_of check floor)
  reader_x=$(ratio_of reader floor)
  lean_x=$(ratio_of lean check)
  status_x=$(ratio_of status check)
  echo "| target | figure | goal | |"
  echo "|---|---|---|---|"
  echo "| check / floor | ${floor_x:-n/a} | <= $TARGET_FLOOR | $(verdict "$floor_x" '<=' $TARGET_FLOOR) |"
  # Not a target: what parsing alone takes of the floor target's budget.
  echo "| (floor + reader) / floor, for scale | ${reader_x:-n/a} | | |"
  echo "| lean.py / check | ${lean_x:-n/a} | >= $TARGET_LEAN | $(verdict "$lean_x" '>=' $TARGET_LEAN) |"
  echo "| status --format json / check | ${status_x:-n/a} | <= $TARGET_STATUS | $(verdict "$status_x" '<=' $TARGET_STATUS) |"
  local peak
  peak=$(peak_of check)
  [ "$peak" != - ] || peak=""
  echo "| check peak MiB | ${peak:-n/a} | < $TARGET_PEAK | $(verdict "$peak" '<' $TARGET_PEAK) |"
  echo
}

# scaling NAME SHAPE ONE ONE_FAIL: check on the 10x repository $OUT/NAME
# against check at 1x of the same SHAPE (ONE seconds, or ONE_FAIL).
scaling() {
  local name=$1 shape=$2 one=$3 one_fail=$4 dir=$OUT/$1
  measure "$dir" "$ROUNDS_10X" floor check
  echo "## Ten times the data, $shape shape: 3 x $(n 20000) controls, $(n 500000) items, $(n 500000) evidence files ($(du -sh "$dir/backlog" | cut -f1) of backlog YAML)"
  echo
  echo "| command | median s of $ROUNDS_10X | x floor | peak MiB |"
  echo "|---|---|---|---|"
  local x
  x=$(ratio_of check floor)
  echo "| $(label floor) | $(shown floor) | - | $(peak_of floor) |"
  echo "| $(label check) | $(shown check) | ${x:--} | $(peak_of check) |"
  echo
  local time_x=""
  if [ -z "$one_fail$FAIL_check" ] && [ -n "$one" ]; then
    time_x=$(awk -v a="$TIME_check" -v b="$one" 'BEGIN { printf "%.1f", a / b }')
  fi
  local peak
  peak=$(peak_of check)
  [ "$peak" != - ] || peak=""
  echo "| target | figure | goal | |"
  echo "|---|---|---|---|"
  echo "| check at 10x / check at 1x ($shape) | ${time_x:-n/a} | <= $TARGET_SCALE | $(verdict "$time_x" '<=' $TARGET_SCALE) |"
  echo "| check peak MiB at 10x | ${peak:-n/a} | < $TARGET_PEAK_10X | $(verdict "$peak" '<' $TARGET_PEAK_10X) |"
  echo
}

# ten_times NAME SHAPE GENERATOR-ARGS...: generates the 10x repository
# NAME when the disk has room, measures it against SHAPE's 1x figures, and
# deletes it (unless KEEP_10X=1) before the next one is generated, so that
# one is on disk at a time.
ten_times() {
  local name=$1 shape=$2 free used
  shift 2
  free=$(df -Pm "$OUT" | awk 'NR == 2 { print $4 }')
  if [ "$free" -lt $((DISK_10X + 1024)) ] && [ ! -f "$OUT/$name.stamp" ]; then
    echo "$name: skipped, $free MiB free on disk (it needs up to $DISK_10X MiB)"
    echo
    return
  fi
  generate "$name" "$@"
  # The generator leaves gigabytes of dirty pages: written back during the
  # timed runs, they would slow them.
  sync
  used=$(du -sm "$OUT/$name" | cut -f1)
  [ "$used" -le $DISK_10X ] || echo "$name: WARNING: $used MiB on disk, over the $DISK_10X MiB budget"
  echo
  local one="ONE_$shape" one_fail="ONE_FAIL_$shape"
  [ -n "${!one:-}${!one_fail:-}" ] || echo "(the scaling line needs the $shape shape's table: add $shape to SHAPES)"
  scaling "$name" "$shape" "${!one:-}" "${!one_fail:-}"
  if [ "$KEEP_10X" != 1 ]; then
    rm -f "$OUT/$name.stamp"
    rm -rf "${OUT:?}/$name"
    sync
    echo "(the $name repository was deleted; KEEP_10X=1 keeps it for the next run)"
    echo
  fi
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
  echo "## Git freshness pass ($(n 20000) commits, $(n 5000) evidence files)"
  echo
  echo "| command | median s | x git log |"
  echo "|---|---|---|"
  echo "| git log --name-only --format=%ct | $log | 1.0 |"
  echo "| comply evidence --format json (load, resolve, freshness pass) | $ev | $(ratio "$ev" "$log") |"
  echo "| git log -1 per path (extrapolated from $count paths) | $per | $(ratio "$per" "$log") |"
  echo
  echo "comply's pass is $(ratio "$per" "$ev") x faster than one git log per path."
}

# The repositories. Full size: 3 x 2,000 controls, 50,000 items, 50,000
# evidence files (divided by SCALE).
FULL=(--frameworks 3 --controls "$(n 2000)" --items "$(n 50000)" --evidence "$(n 50000)")
{
  echo "# comply benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $ROUNDS rounds$([ "$SCALE" = 1 ] || echo ", every size divided by $SCALE")"
  echo
  if wants uniform; then generate uniform "${FULL[@]}" --files "$(n 500)"; fi
  if wants varied; then generate varied --shape varied "${FULL[@]}"; fi
  if wants git; then
    generate git --frameworks 3 --controls "$(n 200)" --items "$(n 5000)" --files "$(n 50)" \
      --evidence "$(n 5000)" --commits "$(n 20000)" --history "$(n 5000)"
  fi
  echo
  if wants varied; then
    table "Varied shape: 3 x $(n 2000) controls, $(n 50000) items in files of 10 to 5,000, evidence as files, directories and globs" \
      "$OUT/varied" "${ROWS_FULL[@]}"
    ONE_varied=${TIME_check:-} ONE_FAIL_varied=${FAIL_check:-}
  fi
  if wants uniform; then
    table "Uniform shape: 3 x $(n 2000) controls, $(n 50000) items in $(n 500) files, $(n 50000) evidence files" \
      "$OUT/uniform" "${ROWS_FULL[@]}" old
    ONE_uniform=${TIME_check:-} ONE_FAIL_uniform=${FAIL_check:-}
  fi
  if wants 10x; then
    ten_times 10x uniform --frameworks 3 --controls "$(n 20000)" --items "$(n 500000)" \
      --files "$(n 5000)" --evidence "$(n 500000)"
  fi
  if wants 10x-varied; then
    ten_times 10x-varied varied --shape varied --frameworks 3 --controls "$(n 20000)" \
      --items "$(n 500000)" --evidence "$(n 500000)"
  fi
  if wants git; then git_pass; fi
} | tee "$OUT/results.md"

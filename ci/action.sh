#!/usr/bin/env bash
# The steps of the comply GitHub Action (action.yml), as one script that can
# be run and tested outside GitHub:
#
#   ci/action.sh key       print the cache key of the comply this action
#                          builds (to GITHUB_OUTPUT as `key=...`)
#   ci/action.sh install   build comply from the action's own source into
#                          COMPLY_BIN_DIR unless the cache restored it, and
#                          put that directory on GITHUB_PATH
#   ci/action.sh check     run the gate in the working directory:
#                          annotations on the offending lines and the step
#                          summary, or the ratchet when a baseline is given
#                          (exit 1: the gate failed; exit 2, with an
#                          `::error::` annotation: it could not run)
#
# Inputs come as environment variables: COMPLY_BIN_DIR, COMPLY_FAIL_ON,
# COMPLY_BASELINE, COMPLY_WORKING_DIRECTORY, COMPLY_ARGS. GitHub's own
# variables (GITHUB_ACTION_PATH, GITHUB_OUTPUT, GITHUB_PATH, RUNNER_OS,
# RUNNER_ARCH) are read where GitHub sets them.
set -euo pipefail

source_dir="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
bin_dir="${COMPLY_BIN_DIR:-${RUNNER_TEMP:-/tmp}/comply-bin}"

# The version in Cargo.toml and a digest of everything the build reads, so
# the cache holds exactly the comply this action's ref pins.
sha256() {
  if command -v sha256sum > /dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}

key() {
  local version digest
  version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$source_dir/Cargo.toml" | head -n 1)"
  digest="$(cd "$source_dir" && find Cargo.toml Cargo.lock build.rs src -type f -print0 \
    | LC_ALL=C sort -z | while IFS= read -r -d '' file; do sha256 "$file"; done \
    | sha256 | cut -c1-16)"
  local key="comply-${version}-${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}-${digest}"
  echo "key=$key" >> "${GITHUB_OUTPUT:-/dev/stdout}"
}

install() {
  if [ -x "$bin_dir/bin/comply" ]; then
    echo "comply restored from the cache: $("$bin_dir/bin/comply" --version)"
  else
    if ! command -v cargo > /dev/null; then
      echo "::error::comply is built with cargo; add a Rust toolchain step (dtolnay/rust-toolchain) before this action"
      exit 2
    fi
    cargo install --locked --path "$source_dir" --root "$bin_dir" --bin comply
  fi
  echo "$bin_dir/bin" >> "${GITHUB_PATH:-/dev/null}"
}

# An `::error::` annotation (GitHub shows it on the run's summary), with
# the characters workflow commands reserve escaped, then exit 2: the gate
# could not run, which is not the same as a gate that failed (exit 1).
fail() {
  local message="$1"
  message="${message//%/%25}"
  message="${message//$'\r'/%0D}"
  message="${message//$'\n'/%0A}"
  echo "::error title=comply::$message"
  exit 2
}

check() {
  local comply="comply"
  if ! command -v comply > /dev/null; then
    if [ -x "$bin_dir/bin/comply" ]; then
      comply="$bin_dir/bin/comply"
    else
      fail "comply is not installed: no comply on PATH nor in $bin_dir/bin (run the action's install step first)"
    fi
  fi
  local dir="${COMPLY_WORKING_DIRECTORY:-.}"
  if [ ! -d "$dir" ]; then
    fail "working-directory \`$dir\` is not a directory (it is read from $PWD)"
  fi
  cd "$dir" 2> /dev/null || fail "cannot enter working-directory \`$dir\`"
  local args=(check)
  if [ -n "${COMPLY_FAIL_ON:-}" ]; then
    args+=(--fail-on "$COMPLY_FAIL_ON")
  fi
  if [ -n "${COMPLY_BASELINE:-}" ]; then
    # The ratchet: fail only on what got worse since the baseline. Fetch it
    # when it names a remote branch the checkout does not have.
    if ! git rev-parse --verify --quiet "${COMPLY_BASELINE}^{commit}" > /dev/null; then
      case "$COMPLY_BASELINE" in
        origin/*) git fetch --no-tags --quiet origin "${COMPLY_BASELINE#origin/}:refs/remotes/${COMPLY_BASELINE}" || true ;;
      esac
    fi
    args+=(--baseline "$COMPLY_BASELINE")
  fi
  args+=(--format github)
  # Extra arguments, split on spaces (e.g. "--fail-on-stale").
  if [ -n "${COMPLY_ARGS:-}" ]; then
    read -r -a extra <<< "$COMPLY_ARGS"
    args+=("${extra[@]}")
  fi
  echo "comply ${args[*]}"
  # Standard error is kept to say why when comply cannot run the gate.
  local errors status=0
  errors="$(mktemp)"
  "$comply" "${args[@]}" 2> "$errors" || status=$?
  cat "$errors" >&2
  if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
    local why
    why="$(grep -m 3 '' "$errors" || true)"
    rm -f "$errors"
    fail "comply could not run the gate (exit $status): ${why:-no message}"
  fi
  rm -f "$errors"
  return "$status"
}

case "${1:-}" in
  key) key ;;
  install) install ;;
  check) check ;;
  *)
    echo "usage: $0 key|install|check" >&2
    exit 2
    ;;
esac

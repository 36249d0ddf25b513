#!/usr/bin/env bash
# Set up a fresh Debian machine for the test suite and run every test:
# type check, unit + integration + interop (vitest), end-to-end UI in Chromium (Playwright),
# the real-HID run in a QEMU guest, and the production dependency audit.
# Ends with one line "N passed, N failed" summing every stage.
set -uo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

# --- system packages the tests need (Debian names) ---
packages=(chromium python3-fido2 libusb-1.0-0 libudev1 qemu-system-x86 busybox-static linux-image-amd64 fido2-tools xz-utils)
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "Installing system packages: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || echo "warning: apt-get could not install every package; the tests that need them will skip with a reason"
  else
    echo "note: missing system packages (${missing[*]}); install them with: sudo apt-get install ${missing[*]}"
  fi
fi

# --- node modules ---
# The tests never need Electron's own binary; skip its download unless asked (launch tests skip without it).
export ELECTRON_SKIP_BINARY_DOWNLOAD="${ELECTRON_SKIP_BINARY_DOWNLOAD:-1}"
log "npm ci"
npm ci --no-audit --no-fund || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }

results_dir=$(mktemp -d)
passed=0
failed=0
stage_failed=()

# Run one stage; $1 name, rest the command. Test counts come from the stage's JSON report when it has one.
stage() {
  local name=$1; shift
  log "$name"
  if "$@"; then
    return 0
  else
    stage_failed+=("$name")
    return 1
  fi
}

count_json() { # $1: report file, $2: runner (vitest|playwright)
  [ -f "$1" ] || return 0
  local p f
  read -r p f < <(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    if (process.argv[2] === "vitest") console.log(r.numPassedTests ?? 0, r.numFailedTests ?? 0);
    else { const s = r.stats || {}; console.log((s.expected ?? 0) + (s.flaky ?? 0), s.unexpected ?? 0); }
  ' "$1" "$2")
  passed=$((passed + p)); failed=$((failed + f))
}

stage "Type check" npm run -s typecheck && passed=$((passed + 1)) || failed=$((failed + 1))
stage "Build" npm run -s build || failed=$((failed + 1))

# A stage that failed without a failed test to show for it (a test file that could not load, a
# crashed runner) still counts as one failure, so the closing line never reads "0 failed" then.
counted_stage() { # $1 name, $2 report file, $3 runner, rest the command
  local name=$1 report=$2 runner=$3; shift 3
  local before=$failed ok=0
  stage "$name" "$@" && ok=1
  count_json "$report" "$runner"
  if [ $ok = 0 ] && [ "$failed" -eq "$before" ]; then failed=$((failed + 1)); fi
}

counted_stage "Unit, integration and interop tests (vitest)" "$results_dir/vitest.json" vitest \
  npx vitest run --reporter=default --reporter=json --outputFile.json="$results_dir/vitest.json"

if [ -x /usr/bin/chromium ]; then
  PLAYWRIGHT_JSON_OUTPUT_NAME="$results_dir/playwright.json" counted_stage "End-to-end UI tests (Playwright, Chromium)" \
    "$results_dir/playwright.json" playwright npx playwright test --reporter=list,json
else
  echo "skipped: end-to-end UI tests need Chromium at /usr/bin/chromium (Debian package chromium)"
fi

if [ -f tests/hid-vm/run.mjs ]; then
  stage "Real HID path in a QEMU guest" npm run -s test:hid && passed=$((passed + 1)) || failed=$((failed + 1))
fi

log "Production dependency audit"
if npm audit --omit=dev --audit-level=high >"$results_dir/audit.txt" 2>&1; then
  echo "npm audit: no high or critical finding"; passed=$((passed + 1))
elif grep -qiE 'ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|audit endpoint|network' "$results_dir/audit.txt"; then
  echo "skipped: the registry's audit endpoint did not answer"
else
  cat "$results_dir/audit.txt"; failed=$((failed + 1)); stage_failed+=("npm audit")
fi

echo
if [ ${#stage_failed[@]} -gt 0 ]; then echo "Failed stages: ${stage_failed[*]}"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ ${#stage_failed[@]} -eq 0 ]

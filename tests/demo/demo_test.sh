#!/usr/bin/env bash
# Runs the README's demo with the test's binaries and a scratch state
# directory, checks the story's outcome, and stops the servers it leaves
# running.
set -euo pipefail
state=$TEST_TMPDIR/demo
bin=$TEST_TMPDIR/bin
mkdir -p "$bin"
ln -sf "$PWD/cmd/candor-log/candor-log" "$bin/candor-log"
ln -sf "$PWD/verifier/server/candor-verifier" "$bin/candor-verifier"
ln -sf "$PWD/client/candor" "$bin/candor"
ln -sf "$PWD/cmd/candor-witness/candor-witness" "$bin/candor-witness"
stop() {
  for name in verifier log witness-one witness-two; do
    kill "$(cat "$state/$name.pid" 2>/dev/null)" 2>/dev/null || true
  done
}
trap stop EXIT
out=$(tests/demo/run_demo.sh "$bin" "$state")
echo "$out"
expect() {
  grep -qF -- "$1" <<<"$out" || { echo "demo output lacks: $1" >&2; exit 1; }
}
expect 'no-sensitive-data-to-third-parties   contradicted (not yet confirmed), 1 auditor(s)'
expect 'no-sensitive-data-to-third-parties   contradicted (confirmed), 2 auditor(s)'
expect 'no-user-data-to-cn: never sends any user data to endpoints located in China (CN)'
expect 'checks out'
expect 'and every registration by the admin key'
expect 'Verdict: assertion "no-sensitive-data-to-third-parties" is contradicted (confirmed)'
expect 'it sent Contacts to c.igexin.com (Merit Interactive Co., Ltd.), an endpoint located in China (CN)'
expect 'is not in the log: inclusion proof does not lead to the root'
expect '(exit code 1, as expected)'
# Witnessing: the finding's checkpoint is cosigned 2-of-2, a copy with one
# cosignature is refused, and so is a fork by both witnesses.
expect 'the checkpoint is cosigned by WOne'
expect 'meeting the witness policy'"'"'s quorum'
expect 'does not meet the witness quorum "both": cosigned by WOne; missing WTwo'
expect 'witness-one (cosigned size'
grep -c 'HTTP 422: the checkpoint has the size of the cosigned one but another root' <<<"$out" |
  grep -qx 2 || { echo "demo output lacks both witnesses refusing the fork" >&2; exit 1; }
# The servers are left running and still answer.
"$bin/candor" apps --verifier "$(cat "$state/verifier.addr")" | grep -qF 'findings 4'

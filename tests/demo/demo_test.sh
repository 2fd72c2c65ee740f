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
# The three kinds of claim, side by side, and findings against each that say
# what they stand against (issue 21).
expect 'Statement about android:com.example.app, recorded by daily-example'
expect 'Quote q1 (en): "We have never provided user data to the Chinese government, nor would we do so if asked."'
expect 'reads "We have never provided user data to the Chinese government" (quote q1)'
expect 'Store label about android:com.example.app, recorded by lab-one-records'
expect 'Provenance:  the vendor'"'"'s signed claim'
expect 'confirmed findings stand against 4 claim(s):'
expect ', the Data-safety label published on 2026-06-01: "play-not-shared" exemption-dependent'
expect ', the vendor'"'"'s signed claim: "no-sensitive-data-to-third-parties" contradicted'
expect ", The Daily Example's reading of a statement quoted in The Daily Example (https://daily.example/2026/09/14/example-app-answers): \"no-user-data-to-cn-endpoints\" contradicted"
expect 'the Data-safety label published on 2026-10-01, as Lab One Records observed it on https://play.google.com/store/apps/datasafety?id=com.example.app: "play-not-shared" exemption-dependent'
expect "the finding stands against The Daily Example's reading of a statement quoted in The Daily Example"
expect 'reference data attributes Merit Interactive Co., Ltd. to China (CN)'
# The same findings read from the log's verifiable index (issue 15): the
# app's entries proved complete, and the apps listed from its table of
# contents.
expect "entries filed under \"android:com.example.app\" in the log's verifiable index, complete for its tree of"
expect 'claim in force: entry'
expect "entries about android:com.example.app in the log's index, complete for its tree of"
# The public site (verifier/site/API.md).
expect "open $(cat "$state/site.url")apps/android_3Acom.example.app.html"
# The servers are left running and still answer.
"$bin/candor" apps --verifier "$(cat "$state/verifier.addr")" | grep -qF 'findings 12'

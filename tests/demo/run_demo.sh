#!/usr/bin/env bash
# The Candor demo, end to end: starts two witnesses (candor-witness),
# candor-log and candor-verifier on embedded RocksDB under var/demo; the log
# has every checkpoint cosigned by both witnesses (a 2-of-2 C2SP tlog-policy);
# the operator registers a vendor, two auditors, a verifier and two
# recorders; the vendor signs a claim about its app, a journalist records
# what the vendor told a newspaper and an auditor records the app's
# Data-safety label; both auditors submit measurements made from HAR
# captures; the verifier publishes confirmed findings against each kind of
# claim, each saying what it stands against; and the public
# fetches the inconsistency proof and checks it offline against the log's key
# and the witness policy. A forked checkpoint, signed with the log's own key,
# is refused by the witnesses. Leaves the servers running for further use.
#
# Usage: tests/demo/run_demo.sh [BIN_DIR] [STATE_DIR]
#   BIN_DIR    where candor-log, candor-verifier, candor-witness and candor are
#              (default: the bazel-bin paths)
#   STATE_DIR  where keys, data and pid files go (default: var/demo)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
data=$root/tests/demo/data
bin=${1:-}
state=${2:-$root/var/demo}
if [[ -z $bin ]]; then
  candor_log=$root/bazel-bin/cmd/candor-log/candor-log
  candor_verifier=$root/bazel-bin/verifier/server/candor-verifier
  candor_witness=$root/bazel-bin/cmd/candor-witness/candor-witness
  candor=$root/bazel-bin/client/candor
else
  candor_log=$bin/candor-log
  candor_verifier=$bin/candor-verifier
  candor_witness=$bin/candor-witness
  candor=$bin/candor
fi
tlogpy=$root/tests/witness/tlogpy.py

app=android:com.example.app
say() { printf '\n== %s\n' "$*"; }
tell() { printf '   %s\n' "$@"; }

# start NAME COMMAND...: runs a server in the background, waits for the
# address it prints on its first line.
start() {
  local name=$1
  shift
  "$@" >"$state/$name.out" 2>"$state/$name.err" &
  echo $! >"$state/$name.pid"
  for _ in $(seq 600); do
    [[ -s $state/$name.out ]] && break
    kill -0 "$(cat "$state/$name.pid")" 2>/dev/null ||
      { echo "$name exited; see $state/$name.err" >&2; tail -n 5 "$state/$name.err" >&2; exit 1; }
    sleep 0.1
  done
  [[ -s $state/$name.out ]] || { echo "$name did not start; see $state/$name.err" >&2; exit 1; }
  head -n 1 "$state/$name.out"
}

mkdir -p "$state"
for name in verifier log witness-one witness-two; do
  if [[ -f $state/$name.pid ]] && kill -0 "$(cat "$state/$name.pid")" 2>/dev/null; then
    say "Stopping the $name left running by an earlier demo"
    kill "$(cat "$state/$name.pid")"
    sleep 1
  fi
done
keys=$state/keys
work=$state/work
rm -rf "$state/db" "$state/verifier-db" "$state/tiles" "$state"/witness-*-db "$work" "$keys"
mkdir -p "$work"

say "$("$candor" version)"

say "The operator creates keys: the log's, the admin key, and one per principal"
for name in demo.candor.example/log admin example-app lab-one lab-two watchdog \
  daily-example lab-one-records; do
  "$candor" keygen --name "$name" --out "$keys" >/dev/null
done
ls "$keys" "$keys/demo.candor.example" | sed 's/^/   /'
vkey=$keys/demo.candor.example/log.pub

say "Two independent witnesses, each with its own key, start witnessing the log"
printf 'log %s\nquorum none\n' "$(cat "$vkey")" >"$keys/witnessed-logs.policy"
policy=$keys/witnesses.policy
echo "log $(cat "$vkey")" >"$policy"
for w in one two; do
  wkey=$("$candor_witness" --generate_key="$keys/witness-$w.key" --name="witness-$w.example/w")
  addr=$(start "witness-$w" "$candor_witness" --key="$keys/witness-$w.key" \
    --logs="$keys/witnessed-logs.policy" --data_dir="$state/witness-$w-db" --listen=127.0.0.1:0)
  addr=${addr#candor-witness listening on }
  echo "witness W${w^} $wkey http://$addr" >>"$policy"
  tell "witness-$w.example/w is listening on $addr"
done
printf 'group both all WOne WTwo\nquorum both\n' >>"$policy"
tell "the witness policy (C2SP tlog-policy), $policy:"
sed 's/^/     /' "$policy"

say "Starting candor-log (RocksDB in $state/db, tlog-tiles in $state/tiles), asking both witnesses"
log=$(start log "$candor_log" --data_dir="$state/db" --listen=127.0.0.1:0 \
  --log_key="$keys/demo.candor.example/log.key" --admin_pub="$keys/admin.pub" \
  --tiles_dir="$state/tiles" --witness_policy="$policy")
echo "$log" >"$state/log.addr"
tell "candor-log is listening on $log"

say "The operator registers the vendor, two independent auditors and a verifier"
register() {
  "$candor" register --log "$log" --admin_key "$keys/admin.key" "$@" >/dev/null
}
register --role vendor --name example-app --display_name "Example App Ltd" \
  --pub "$keys/example-app.pub" --app "$app" --org "Example App Ltd" \
  --domain example-app.com
register --role auditor --name lab-one --display_name "Lab One" --pub "$keys/lab-one.pub"
register --role auditor --name lab-two --display_name "Lab Two" --pub "$keys/lab-two.pub"
register --role verifier --name watchdog --display_name "Watchdog Verifier" \
  --pub "$keys/watchdog.pub"
register --role recorder --name daily-example --display_name "The Daily Example" \
  --pub "$keys/daily-example.pub"
register --role recorder --name lab-one-records --display_name "Lab One Records" \
  --pub "$keys/lab-one-records.pub" --wait
tell "vendor example-app speaks for $app; its first party is Example App Ltd, example-app.com" \
  "auditors lab-one and lab-two; verifier watchdog" \
  "recorders daily-example (a newspaper) and lab-one-records (Lab One's store records)"

say "Starting candor-verifier"
# The public site (verifier/site/API.md): served on --http_addr and written
# to --site_dir.
rm -rf "$state/site" "$state/site.url"
verifier=$(start verifier "$candor_verifier" --data_dir="$state/verifier-db" \
  --listen=127.0.0.1:0 --log="$log" --log_pub="$vkey" --admin_pub="$keys/admin.pub" \
  --name=watchdog --key="$keys/watchdog.key" --quorum=2 --witness_policy="$policy" \
  --http_addr=127.0.0.1:0 --site_dir="$state/site")
echo "$verifier" >"$state/verifier.addr"
tell "candor-verifier is listening on $verifier; it follows only checkpoints both witnesses cosigned"
# It writes "site: http://HOST:PORT/" with its first line, in one write.
site=$(sed -n 's/^site: \(http:[^ ]*\)$/\1/p' "$state/verifier.out")
[[ -n $site ]] || { echo "candor-verifier printed no site address; see $state/verifier.out" >&2; exit 1; }
echo "$site" >"$state/site.url"
tell "its public site is at $site (a copy in $state/site)"
tell "once it has checked the log's checkpoint, it signs its organisations and" \
  "IP-to-country tables into the log as reference-data parts"

say "The vendor publishes a signed claim about its app"
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat >"$work/claim.json" <<CLAIM
{
  "app": {"id": "$app", "minVersion": "4.0"},
  "issuer": "example-app",
  "issuedAt": "$now",
  "effectiveAt": "2026-01-01T00:00:00Z",
  "text": "We have never shared our users' contacts, phone numbers, precise location or face data with third parties, and no user data is ever sent to an endpoint located in China.",
  "assertions": [
    {"id": "no-sensitive-data-to-third-parties",
     "dataTypes": ["contacts.contacts", "personal_info.phone_number",
                   "location.precise", "biometrics.face_data"],
     "practice": "NOT_SHARED_WITH_THIRD_PARTIES", "consent": "ALWAYS"},
    {"id": "no-user-data-to-cn",
     "dataTypes": ["location", "personal_info", "financial_info", "health_and_fitness",
                   "messages", "photos_and_videos", "audio", "files_and_docs", "calendar",
                   "contacts", "app_activity", "web_browsing", "app_info_and_performance",
                   "device_or_other_ids", "biometrics"],
     "practice": "NOT_SENT_TO_COUNTRIES", "countries": ["CN"], "consent": "ALWAYS"}
  ]
}
CLAIM
"$candor" claim lint "$work/claim.json" | sed 's/^/   /'
"$candor" claim sign --key "$keys/example-app.key" "$work/claim.json" --out "$work/claim.dsse"
"$candor" claim submit --log "$log" "$work/claim.dsse" --wait >"$work/claim.receipt.json"
claim_index=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["index"])' \
  "$work/claim.receipt.json")
tell "logged at index $claim_index; anyone can read it back from the log:"
"$candor" claim show --log "$log" --log_pub "$vkey" --index "$claim_index" 2>&1 | sed 's/^/     /'

say "The vendor also signs its Data-safety label, as Play Console exports it"
"$candor" claim import --play-data-safety "$data/play-data-safety.csv" --app "$app" \
  --issuer example-app --published 2026-06-01 --out "$work/label-claim.json" 2>/dev/null
"$candor" claim sign --key "$keys/example-app.key" "$work/label-claim.json" \
  --out "$work/label-claim.dsse"
"$candor" claim submit --log "$log" "$work/label-claim.dsse" --wait >/dev/null
tell "logged; the label is a chain of its own, in force beside the vendor's claim"

say "A journalist records what the vendor told a newspaper, with a reading it can check"
all_types='"location", "personal_info", "financial_info", "health_and_fitness", "messages",
  "photos_and_videos", "audio", "files_and_docs", "calendar", "contacts", "app_activity",
  "web_browsing", "app_info_and_performance", "device_or_other_ids", "biometrics"'
printf '<html><body><h1>Example App answers</h1><p>"We have never provided user data to the Chinese government, nor would we do so if asked," a spokesperson said.</p></body></html>\n' \
  >"$work/article.html"
cat >"$work/statement.json" <<STATEMENT
{
  "speaker": {"principal": "example-app", "name": "Example App Ltd spokesperson"},
  "source": {"url": "https://daily.example/2026/09/14/example-app-answers",
             "publication": "The Daily Example", "publishedAt": "2026-09-14T00:00:00Z"},
  "quotes": [{"id": "q1", "language": "en",
              "text": "We have never provided user data to the Chinese government, nor would we do so if asked."}],
  "reading": {
    "app": {"id": "$app"},
    "assertions": [
      {"id": "no-user-data-to-cn-endpoints", "dataTypes": [$all_types],
       "practice": "NOT_SENT_TO_COUNTRIES", "countries": ["CN"], "consent": "ALWAYS"},
      {"id": "no-user-data-to-cn-organisations", "dataTypes": [$all_types],
       "practice": "NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES", "countries": ["CN"],
       "consent": "ALWAYS"}
    ]
  },
  "interpretations": [
    {"assertion": "no-user-data-to-cn-endpoints", "quote": "q1",
     "sentence": "We have never provided user data to the Chinese government",
     "reading": "Traffic shows transmissions, not what a government receives: read as no personal data sent to endpoints located in China."},
    {"assertion": "no-user-data-to-cn-organisations", "quote": "q1",
     "sentence": "We have never provided user data to the Chinese government",
     "reading": "Nor to organisations the reference data attributes to China (incorporated there or owned from there), wherever their servers are."}
  ]
}
STATEMENT
"$candor" claim record --statement "$work/statement.json" --archive "$work/article.html" \
  --recorder daily-example --key "$keys/daily-example.key" --out "$work/statement.dsse"
"$candor" submit --log "$log" "$work/statement.dsse" --wait >/dev/null
tell "logged; the article itself stays with the newspaper, the log keeps its SHA-256"

say "An auditor records the app's Data-safety label as Google Play shows it"
printf '<html><body>Data safety: Example App (as captured from Google Play)</body></html>\n' \
  >"$work/listing.html"
"$candor" claim record --play-data-safety "$data/play-data-safety.csv" --app "$app" \
  --source "https://play.google.com/store/apps/datasafety?id=com.example.app" \
  --published 2026-10-01 --speaker "Example App Ltd" --speaker_principal example-app \
  --archive "$work/listing.html" --recorder lab-one-records --key "$keys/lab-one-records.key" \
  --out "$work/label.dsse"
"$candor" submit --log "$log" "$work/label.dsse" --wait >/dev/null
tell "the three kinds of claim about $app (signed, imported label, recorded), side by side, newest first:"
"$candor" claims --log "$log" --log_pub "$vkey" --app "$app" 2>&1 | sed 's/^/     /'

say "Two auditors capture the app's traffic (HAR) with planted honey identities"
tell "(the demo's sample captures are replayed as if made just now: the log admits" \
  "a measurement only if its run ended within five minutes of the log's clock)"
# Every claim above is in force from the moment it was logged: the captures
# start after this, however fast the steps above ran.
claims_logged=$(date -u +%s)
for lab in lab-one lab-two; do
  python3 - "$data/$lab.har" "$work/$lab.har" "$claims_logged" <<'PY'
import datetime, json, sys
har = json.load(open(sys.argv[1]))
parse = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
entries = har["log"]["entries"]
items = entries + har["log"].get("pages", [])
first = min(parse(e["startedDateTime"]) for e in items)
last = max(parse(e["startedDateTime"]) for e in entries)
after_claims = datetime.datetime.fromtimestamp(int(sys.argv[3]) + 1, datetime.timezone.utc)
shift = max(datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5) - last,
            after_claims - first)
for item in items:
    t = parse(item["startedDateTime"]) + shift
    item["startedDateTime"] = t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)
json.dump(har, open(sys.argv[2], "w"), indent=1)
PY
  "$candor" measure har --har "$work/$lab.har" --identities "$data/identities-$lab.json" \
    --app "$app" --app_version 4.2.0 --auditor "$lab" --consent declined \
    --vantage_country DE --key "$keys/$lab.key" --out "$work/$lab.dsse" 2>&1 | sed 's/^/   /'
  "$candor" measure submit --verifier "$verifier" --log_pub "$vkey" "$work/$lab.dsse" \
    >"$work/$lab.evaluation.json"
  tell "$lab's measurement is logged; the verifier evaluates it at once:"
  python3 - "$work/$lab.evaluation.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for e in r.get("evaluations", []):
    state = "" if e["verdict"] == "CONSISTENT" else (
        " (confirmed)" if e.get("confirmed") else " (not yet confirmed)")
    print("     %-36s %s%s, %s auditor(s)" % (e["assertionId"], e["verdict"].lower(), state,
                                             e.get("contradictingAuditors", 0)))
PY
done

say "The verifier publishes its findings"
finding=""
for _ in $(seq 100); do
  "$candor" findings --verifier "$verifier" "$app" >"$work/findings.txt" || true
  finding=$(sed -n 's/^finding \([0-9]*\):.*contradicted (confirmed).*/\1/p' \
    "$work/findings.txt" | head -n 1)
  # Confirmed findings against all four claims: the vendor's claim and
  # label, the journalist's reading and the label the auditor observed.
  [[ -n $finding ]] && grep -q '^confirmed findings stand against 4 claim' "$work/findings.txt" &&
    break
  sleep 0.2
done
[[ -n $finding ]] || { echo "no confirmed finding; see $state/verifier.err" >&2; exit 1; }
grep "^finding" "$work/findings.txt" | sed "s/^/   /"
sed -n '/^confirmed findings stand against/,$p' "$work/findings.txt" | sed "s/^/   /"

say "Anyone reads the same findings from the log itself, through its verifiable index"
# Every answer proved complete for the log's tree under the log's key: no
# verifier needs to be trusted to list them all.
"$candor" findings --log "$log" --log_pub "$vkey" "$app" >"$work/findings-index.txt" \
  2>"$work/findings-index.err"
sed 's/^/   /' "$work/findings-index.err"
sed -n '/^confirmed findings stand against/,$p' "$work/findings-index.txt" | sed "s/^/   /"
"$candor" apps --log "$log" --log_pub "$vkey" 2>/dev/null | sed 's/^/   /'
"$candor" watch --log "$log" --policy "$policy" --log_pub "$vkey" --app "$app" --once |
  tail -n 1 | sed 's/^/   /'

say "Anyone fetches the inconsistency proof of finding $finding ..."
"$candor" finding bundle --verifier "$verifier" --index "$finding" --out "$work/finding.json"
tell "$work/finding.json: $(wc -c <"$work/finding.json") bytes"

say "... and checks it offline, trusting only the log's public key and the witness policy"
"$candor" verify finding "$work/finding.json" --log_pub "$vkey" \
  --admin_pub "$keys/admin.pub" --policy "$policy" | sed 's/^/   /'
tell "the checkpoint it relies on, with the log's signature and both cosignatures:"
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["checkpoint"], end="")' \
  "$work/finding.json" | sed 's/^/     /'

say "A finding against the journalist's reading is re-derived offline exactly the same way"
reading_finding=$(sed -n 's/^finding \([0-9]*\): assertion "no-user-data-to-cn-organisations".*(confirmed).*/\1/p' \
  "$work/findings.txt" | head -n 1)
"$candor" finding bundle --verifier "$verifier" --index "$reading_finding" \
  --out "$work/reading-finding.json"
"$candor" verify finding "$work/reading-finding.json" --log_pub "$vkey" \
  --admin_pub "$keys/admin.pub" --policy "$policy" | sed 's/^/   /'

say "A checkpoint cosigned by one witness only does not meet the 2-of-2 policy"
python3 - "$work/finding.json" "$work/finding.one-witness.json" <<'PY'
import json, sys
bundle = json.load(open(sys.argv[1]))
lines = bundle["checkpoint"].split("\n")
# Drop the second witness's cosignature line.
bundle["checkpoint"] = "\n".join(l for l in lines if "witness-two.example" not in l)
json.dump(bundle, open(sys.argv[2], "w"), indent=1)
PY
if "$candor" verify finding "$work/finding.one-witness.json" --log_pub "$vkey" \
  --admin_pub "$keys/admin.pub" --policy "$policy" 2>"$work/one-witness.err" >/dev/null; then
  echo "ERROR: a checkpoint below the witness quorum verified" >&2
  exit 1
fi
sed 's/^/   /' "$work/one-witness.err"
tell "(exit code 1, as expected)"

say "A forked checkpoint, signed with the log's own key, is refused by both witnesses"
tell "(made and submitted with tests/witness/tlogpy.py, an independent tlog-witness client)"
fork() {  # fork SIZE ROOT_TEXT: a checkpoint of SIZE with another root, signed by the log key
  python3 "$tlogpy" log-sign --skey "$keys/demo.candor.example/log.key" \
    --origin demo.candor.example/log --size "$1" \
    --root-b64 "$(python3 -c 'import base64,hashlib,sys; print(base64.b64encode(hashlib.sha256(sys.argv[1].encode()).digest()).decode())' "$2")"
}
for w in one two; do
  addr=$(sed -n 's/^candor-witness listening on //p' "$state/witness-$w.out")
  set +e
  # A 409 tells the size the witness cosigned last; the fork is of that size.
  size=$(fork 1000000000 probe | python3 "$tlogpy" submit --url "http://$addr" --old 0 2>/dev/null)
  fork "$size" "a forked history" | python3 "$tlogpy" submit --url "http://$addr" \
    --old "$size" >/dev/null 2>"$work/fork-$w.err"
  code=$?
  set -e
  [[ $code -ne 0 && -n $size ]] || { echo "ERROR: witness $w cosigned a fork" >&2; exit 1; }
  tell "witness-$w (cosigned size $size): $(head -c 300 "$work/fork-$w.err")"
done

say "Tampering is caught: the same proof with one entry's bytes changed fails"
python3 - "$work/finding.json" "$work/finding.tampered.json" <<'PY'
import base64, json, sys
bundle = json.load(open(sys.argv[1]))
for e in bundle["entries"]:
    if e["role"] == "MEASUREMENT":
        raw = bytearray(base64.b64decode(e["entry"]))
        raw[len(raw) // 2] ^= 1
        e["entry"] = base64.b64encode(bytes(raw)).decode()
        break
json.dump(bundle, open(sys.argv[2], "w"), indent=1)
PY
if "$candor" verify finding "$work/finding.tampered.json" --log_pub "$vkey" 2>"$work/tampered.err"; then
  echo "ERROR: a tampered proof verified" >&2
  exit 1
fi
sed 's/^/   /' "$work/tampered.err"
tell "(exit code 1, as expected)"

say "The servers are still running"
cat <<MSG
   log:       $log   (key $vkey)
   witnesses: $(sed -n 's/^candor-witness listening on //p' "$state/witness-one.out"), $(sed -n 's/^candor-witness listening on //p' "$state/witness-two.out")   (policy $policy)
   verifier:  $verifier
   try:       $candor apps --log $log --log_pub $vkey
              $candor findings --log $log --log_pub $vkey $app
              $candor claims --log $log --log_pub $vkey --app $app
              $candor apps --verifier $verifier
              $candor verifier status --verifier $verifier
              $candor checkpoint --log $log --log_pub $vkey --policy $policy
MSG
cat <<MSG
   site:      open ${site}apps/$(python3 -c 'import re,sys; print(re.sub(r"[^A-Za-z0-9.-]", lambda m: "".join("_%02X" % b for b in m.group().encode()), sys.argv[1]))' "$app").html
MSG
cat <<MSG
   stop them: kill \$(cat $state/verifier.pid) \$(cat $state/log.pid) \$(cat $state/witness-one.pid) \$(cat $state/witness-two.pid)
MSG

#!/usr/bin/env bash
# Smoke test of the two HAPI FHIR servers (scripts/fhir-servers.sh): start both, exercise on
# server A what fhirbus relies on (PUT with a client id, vread, history, search by patient,
# If-Match), check that server B is a separate store, stop both, check nothing is left running.
# Runs on its own ports and directory so it does not disturb servers started for the demo.
set -uo pipefail
cd "$(dirname "$0")/../.."

export FHIRBUS_FHIR_PORT_A="${FHIRBUS_TEST_FHIR_PORT_A:-18081}"
export FHIRBUS_FHIR_PORT_B="${FHIRBUS_TEST_FHIR_PORT_B:-18082}"
export FHIRBUS_FHIR_DIR="${FHIRBUS_TEST_FHIR_DIR:-$PWD/target/fhir-servers-test}"
A="http://127.0.0.1:$FHIRBUS_FHIR_PORT_A/fhir"
B="http://127.0.0.1:$FHIRBUS_FHIR_PORT_B/fhir"
JSON='Content-Type: application/fhir+json'
work="$(mktemp -d)"

passed=0; failed=0
ok() { passed=$((passed+1)); echo "ok   $*"; }
bad() { failed=$((failed+1)); echo "FAIL $*"; }
check() { # check DESCRIPTION COMMAND...
  local what="$1"; shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}

cleanup() {
  bash scripts/fhir-servers.sh stop || true
  rm -rf "$work"
}
trap cleanup EXIT

# req METHOD URL [BODY] [HEADER...]: the body goes to $work/body, the status is printed.
req() {
  local method="$1" url="$2" body="${3:-}"; shift 3 2>/dev/null || shift $#
  local args=(-s -o "$work/body" -D "$work/headers" -w '%{http_code}' -X "$method" -m 60)
  [ -n "$body" ] && args+=(-H "$JSON" --data-binary "$body")
  for h in "$@"; do args+=(-H "$h"); done
  curl "${args[@]}" "$url"
}

# jq-like checks in Python; decimals are kept as written (parse_float=str).
py() { python3 - "$@"; }

if ! bash scripts/fhir-servers.sh start; then bad "start"; echo "$passed passed, $failed failed"; exit 1; fi
t0=$(date +%s)
if bash scripts/fhir-servers.sh wait; then
  ok "both servers answer GET /fhir/metadata ($(( $(date +%s) - t0 ))s after start)"
else
  bad "both servers answer GET /fhir/metadata"; echo "$passed passed, $failed failed"; exit 1
fi

for base in "$A" "$B"; do
  code=$(req GET "$base/metadata")
  check "$base/metadata is an R4 CapabilityStatement" \
    py "$work/body" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
sys.exit(0 if c["resourceType"] == "CapabilityStatement" and c["fhirVersion"] == "4.0.1" else 1)
EOF
done

# --- writes with client-chosen ids -------------------------------------------------------
PAT1='{"resourceType":"Patient","id":"smoke-pat-1","name":[{"family":"Doe","given":["Jane"]}],"birthDate":"1970-01-01"}'
PAT2='{"resourceType":"Patient","id":"smoke-pat-2","name":[{"family":"Roe"}]}'
OBS1_V1='{"resourceType":"Observation","id":"smoke-obs-1","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"29463-7","display":"Body weight"}]},"subject":{"reference":"Patient/smoke-pat-1"},"effectiveDateTime":"2026-01-02T03:04:05+01:00","valueQuantity":{"value":72.50,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"},"note":[{"text":"caf\u00e9 \u00fcber 1.000"}]}'
OBS1_V2='{"resourceType":"Observation","id":"smoke-obs-1","status":"amended","code":{"coding":[{"system":"http://loinc.org","code":"29463-7","display":"Body weight"}]},"subject":{"reference":"Patient/smoke-pat-1"},"effectiveDateTime":"2026-01-02T03:04:05+01:00","valueQuantity":{"value":73.0,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}}'
OBS2='{"resourceType":"Observation","id":"smoke-obs-2","status":"final","code":{"text":"other"},"subject":{"reference":"Patient/smoke-pat-2"}}'

check "PUT Patient/smoke-pat-1 creates it (201)" test "$(req PUT "$A/Patient/smoke-pat-1" "$PAT1")" = 201
check "PUT Patient/smoke-pat-2 creates it (201)" test "$(req PUT "$A/Patient/smoke-pat-2" "$PAT2")" = 201
check "PUT Observation/smoke-obs-1 creates it (201)" test "$(req PUT "$A/Observation/smoke-obs-1" "$OBS1_V1")" = 201
cp "$work/body" "$work/put-v1"
check "the create answers ETag W/\"1\"" grep -qi '^etag: W/"1"' "$work/headers"
check "PUT Observation/smoke-obs-2 creates it (201)" test "$(req PUT "$A/Observation/smoke-obs-2" "$OBS2")" = 201

# --- vread -----------------------------------------------------------------------------------
check "GET Observation/smoke-obs-1/_history/1 (200)" test "$(req GET "$A/Observation/smoke-obs-1/_history/1")" = 200
cp "$work/body" "$work/v1"
check "vread of version 1: meta.versionId is \"1\", id is the client's" \
  py "$work/v1" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if r["meta"]["versionId"] == "1" and r["id"] == "smoke-obs-1" else 1)
EOF
check "vread returns what was sent, plus meta.versionId and meta.lastUpdated only (decimals as written)" \
  py "$work/v1" "$OBS1_V1" <<'EOF'
import json, sys
stored = json.loads(open(sys.argv[1]).read(), parse_float=str)
sent = json.loads(sys.argv[2], parse_float=str)
meta = stored.pop("meta")
ok = stored == sent and sorted(meta) == ["lastUpdated", "versionId"]
if not ok:
    print("stored:", json.dumps(stored, sort_keys=True)); print("sent:  ", json.dumps(sent, sort_keys=True)); print("meta:", meta)
sys.exit(0 if ok else 1)
EOF
check "vread returns the same content as the write's response" \
  py "$work/v1" "$work/put-v1" <<'EOF'
import json, sys
a, b = (json.loads(open(p).read(), parse_float=str) for p in sys.argv[1:3])
sys.exit(0 if a == b else 1)
EOF
req GET "$A/Observation/smoke-obs-1/_history/1" >/dev/null
check "two vreads of version 1 return identical bytes" cmp -s "$work/body" "$work/v1"

# --- update, history ------------------------------------------------------------------------
check "PUT with If-Match W/\"1\" updates it (200)" \
  test "$(req PUT "$A/Observation/smoke-obs-1" "$OBS1_V2" 'If-Match: W/"1"')" = 200
check "the update answers ETag W/\"2\"" grep -qi '^etag: W/"2"' "$work/headers"
check "GET Observation/smoke-obs-1/_history/2 (200)" test "$(req GET "$A/Observation/smoke-obs-1/_history/2")" = 200
check "version 2 has meta.versionId \"2\" and the new content" \
  py "$work/body" <<'EOF'
import json, sys
r = json.loads(open(sys.argv[1]).read(), parse_float=str)
sys.exit(0 if r["meta"]["versionId"] == "2" and r["status"] == "amended" and r["valueQuantity"]["value"] == "73.0" else 1)
EOF
check "GET Observation/smoke-obs-1 (current) is version 2" \
  test "$(req GET "$A/Observation/smoke-obs-1")" = 200
check "  (meta.versionId \"2\")" py "$work/body" <<'EOF'
import json, sys
sys.exit(0 if json.load(open(sys.argv[1]))["meta"]["versionId"] == "2" else 1)
EOF
req GET "$A/Observation/smoke-obs-1/_history/1" >/dev/null
check "version 1 still returns its old content, byte for byte" cmp -s "$work/body" "$work/v1"
check "GET Observation/smoke-obs-1/_history lists versions 2 and 1" \
  test "$(req GET "$A/Observation/smoke-obs-1/_history")" = 200
check "  (versions [2, 1])" py "$work/body" <<'EOF'
import json, sys
b = json.load(open(sys.argv[1]))
sys.exit(0 if [e["resource"]["meta"]["versionId"] for e in b.get("entry", [])] == ["2", "1"] else 1)
EOF
check "GET of a version that does not exist is 404" \
  test "$(req GET "$A/Observation/smoke-obs-1/_history/9")" = 404

# --- search -----------------------------------------------------------------------------------
for q in "patient=smoke-pat-1" "patient=Patient/smoke-pat-1" "subject=Patient/smoke-pat-1"; do
  code=$(req GET "$A/Observation?$q")
  check "Observation?$q returns only smoke-pat-1's Observation" \
    py "$work/body" "$code" <<'EOF'
import json, sys
b = json.load(open(sys.argv[1]))
ids = [e["resource"]["id"] for e in b.get("entry", [])]
ok = sys.argv[2] == "200" and b["type"] == "searchset" and ids == ["smoke-obs-1"]
if not ok: print("status", sys.argv[2], "ids", ids)
sys.exit(0 if ok else 1)
EOF
done

# --- contention -------------------------------------------------------------------------------
code=$(req PUT "$A/Observation/smoke-obs-1" "$OBS1_V1" 'If-Match: W/"1"')
check "PUT with a stale If-Match is refused (409 or 412; got $code)" test "$code" = 409 -o "$code" = 412
check "  and made no version 3" test "$(req GET "$A/Observation/smoke-obs-1/_history/3")" = 404

# --- what is refused, and the second server -----------------------------------------------
code=$(req PUT "$A/Observation/smoke-bad" '{"resourceType":"Observation","id":"smoke-bad","status":"final","code":{"text":"x"},"notAnElement":1}')
check "a body with an element R4 does not define is refused (400; got $code)" test "$code" = 400
check "server B is a separate store (its Observation/smoke-obs-1 is 404)" \
  test "$(req GET "$B/Observation/smoke-obs-1")" = 404
check "server B takes a PUT of its own (201)" test "$(req PUT "$B/Patient/smoke-pat-1" "$PAT1")" = 201

# --- stop ------------------------------------------------------------------------------------
pids="$(cat "$FHIRBUS_FHIR_DIR"/*.pid 2>/dev/null | tr '\n' ' ')"
check "stop stops both" bash scripts/fhir-servers.sh stop
alive=""
for p in $pids; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
check "no server process is left (pids $pids)" test -z "$alive"
check "status says stopped (exit 3)" bash -c '! bash scripts/fhir-servers.sh status >/dev/null'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

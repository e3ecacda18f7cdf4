#!/usr/bin/env bash
# End to end: the demo against the real FHIR servers (its refusals included: no consent yet,
# after revocation, a tampered resource, a forged request signature), then the CLI's commands
# one by one on the same servers, and its errors for bad input.
set -euo pipefail
export PATH="$HOME/.cargo/bin:$PATH"
bash .ci/tools.sh fhir
cargo build -q -p fhirbus-cli
bin=./target/debug/fhirbus
work=$(mktemp -d)
started=0
tls_server=
cleanup() {
  [ -n "$tls_server" ] && kill "$tls_server" 2>/dev/null
  [ $started -eq 1 ] && bash scripts/fhir-servers.sh stop || true
  rm -rf "$work"
}
trap cleanup EXIT
if ! bash scripts/fhir-servers.sh status >/dev/null 2>&1; then bash scripts/fhir-servers.sh start; started=1; fi
bash scripts/fhir-servers.sh wait
{ read -r url_a; read -r url_b; } < <(bash scripts/fhir-servers.sh urls)

pass=0; fail=0
# Each command's output is kept in $work/last for the checks that read it.
check() { # check NAME COMMAND...: the command must succeed
  if "${@:2}" >"$work/out" 2>&1; then cp "$work/out" "$work/last"; pass=$((pass+1)); echo "ok: $1"; else fail=$((fail+1)); echo "FAILED: $1"; cat "$work/out"; fi
}
refuse() { # refuse NAME EXPECTED-TEXT COMMAND...: the command must fail and say EXPECTED-TEXT
  if "${@:3}" >"$work/out" 2>&1; then cp "$work/out" "$work/last"; fail=$((fail+1)); echo "FAILED (accepted): $1"; cat "$work/out"
  elif grep -q -- "$2" "$work/out"; then pass=$((pass+1)); echo "ok: $1"
  else fail=$((fail+1)); echo "FAILED (wrong error): $1"; cat "$work/out"; fi
}

# 1. The demo, narrated and as JSON.
check "demo runs to success against the HAPI FHIR servers" "$bin" --dir "$work/demo" demo --fhir-a "$url_a" --fhir-b "$url_b"
check "demo --json runs to success" "$bin" --dir "$work/demo-json" --json demo --fhir-a "$url_a" --fhir-b "$url_b"
check "demo --json output is one JSON value per line" python3 -c "import json,sys; [json.loads(l) for l in open('$work/last') if l.strip()]"
refuse "demo refuses a non-empty directory" "not empty" "$bin" --dir "$work/demo" demo --fhir-a "$url_a" --fhir-b "$url_b"
refuse "demo says where the FHIR servers are missing" "no FHIR server" "$bin" --dir "$work/nofhir" demo --fhir-a http://127.0.0.1:9/fhir --fhir-b "$url_b"

# 2. The commands one by one.
net="$work/net"
check "create a network" "$bin" --dir "$net" create
check "key directory is private" test "$(stat -c %a "$net/keys")" = 700
refuse "create twice" "already holds a network" "$bin" --dir "$net" create
"$bin" --dir "$net" --json enrol --by hospital-a --national-id 987-65-4321 > "$work/enrol.json"
patient=$(python3 -c "import json; print(json.load(open('$work/enrol.json'))['patient'])")
check "enrol gave a pseudonym, not the identifier" python3 -c "import sys; t=open('$work/enrol.json').read(); sys.exit('987' in t)"
curl -sf -X PUT -H 'Content-Type: application/fhir+json' --data '{"resourceType":"Observation","id":"e2e-1","status":"final","code":{"text":"weight"},"valueQuantity":{"value":70.0,"unit":"kg"}}' "$url_a/Observation/e2e-1" > /dev/null
check "register a versioned read" "$bin" --dir "$net" register --custodian hospital-a --patient "$patient" --url "$url_a/Observation/e2e-1/_history/1"
# From a file: the custodian's own copy of what its server serves at the URL (here taken from
# the server, meta included). The accesses below fetch it and check its digest.
curl -sf -X PUT -H 'Content-Type: application/fhir+json' --data '{"resourceType":"Observation","id":"e2e-2","status":"final","code":{"text":"height"},"valueQuantity":{"value":1.80,"unit":"m"}}' "$url_a/Observation/e2e-2" > /dev/null
curl -sf "$url_a/Observation/e2e-2/_history/1" > "$work/e2e-2.json"
check "register from a file" "$bin" --dir "$net" register --custodian hospital-a --patient "$patient" --url "$url_a/Observation/e2e-2/_history/1" --file "$work/e2e-2.json"
refuse "register from a missing file" "No such file" "$bin" --dir "$net" register --custodian hospital-a --patient "$patient" --url "$url_a/Observation/e2e-3/_history/1" --file "$work/none.json"
refuse "register needs a versioned read URL" "versioned read" "$bin" --dir "$net" register --custodian hospital-a --patient "$patient" --url "$url_a/Observation/e2e-1"
refuse "access without consent is denied" "denied" "$bin" --dir "$net" access --requester hospital-b --patient "$patient"
check "grant" "$bin" --dir "$net" grant --patient "$patient" --to hospital-b --id c1
check "access with consent" "$bin" --dir "$net" access --requester hospital-b --patient "$patient"
check "both records fetched and their digests checked" python3 -c "import sys; t=open('$work/last').read(); sys.exit(not ('e2e-1' in t and 'e2e-2' in t))"
check "revoke" "$bin" --dir "$net" revoke --patient "$patient" --id c1
refuse "access after revocation is denied" "denied" "$bin" --dir "$net" access --requester hospital-b --patient "$patient"
check "break the glass" "$bin" --dir "$net" access --requester hospital-b --patient "$patient" --purpose ETREAT
check "audit trail as a table" "$bin" --dir "$net" audit --patient "$patient"
check "audit trail as FHIR AuditEvents" "$bin" --dir "$net" audit --patient "$patient" --fhir
check "the emergency access is marked 110127" grep -q 110127 "$work/last"
check "export for the patient as a FHIR Bundle" "$bin" --dir "$net" export --patient "$patient"
check "the export is a Bundle with the consent" python3 -c "import json; b=json.load(open('$work/last')); assert b['resourceType']=='Bundle' and any(e['resource']['resourceType']=='Consent' for e in b['entry'])"
check "verify the whole chain" "$bin" --dir "$net" verify

# 2b. HTTPS: a custodian's FHIR server behind TLS with the network's own CA (openssl makes a
# CA and a certificate for 127.0.0.1; Python serves a stored resource at its versioned URL).
tls="$work/tls"
mkdir -p "$tls/www/fhir/Observation/tls-1/_history"
curl -sf "$url_a/Observation/e2e-1/_history/1" > "$tls/www/fhir/Observation/tls-1/_history/1"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=fhirbus e2e CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=127.0.0.1" -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$tls/ext"
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 2 -extfile "$tls/ext" -out "$tls/server.pem" 2>/dev/null
python3 - "$tls" <<'PY' &
import functools, http.server, ssl, sys
tls = sys.argv[1]
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
handler = functools.partial(Quiet, directory=tls + "/www")
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(tls + "/server.pem", tls + "/server.key")
server.socket = context.wrap_socket(server.socket, server_side=True)
open(tls + "/port", "w").write(str(server.server_address[1]))
server.serve_forever()
PY
tls_server=$!
for _ in $(seq 50); do [ -s "$tls/port" ] && break; sleep 0.1; done
tls_url="https://127.0.0.1:$(cat "$tls/port")/fhir/Observation/tls-1/_history/1"
refuse "HTTPS from a CA the client was not given is refused" "unknown issuer" "$bin" --dir "$net" register --custodian hospital-a --patient "$patient" --url "$tls_url"
cp "$work/out" "$tls/refusal"
check "and the error names neither the URL nor the host" python3 -c "import sys; t=open('$tls/refusal').read(); sys.exit('tls-1' in t or '127.0.0.1' in t)"
refuse "a CA file with no certificate in it" "no certificate" "$bin" --dir "$net" --fhir-ca "$tls/server.key" register --custodian hospital-a --patient "$patient" --url "$tls_url"
check "register over HTTPS, trusting the network's CA" "$bin" --dir "$net" --fhir-ca "$tls/ca.pem" register --custodian hospital-a --patient "$patient" --url "$tls_url"
# The operating system's roots: the network's CA is not among them, until the trust store the
# platform verifier reads (SSL_CERT_FILE, as OpenSSL's) holds it.
refuse "the system's roots do not know the network's CA" "unknown issuer" "$bin" --dir "$net" --fhir-roots system register --custodian hospital-a --patient "$patient" --url "$tls_url"
check "register over HTTPS through the system's trust store" env SSL_CERT_FILE="$tls/ca.pem" "$bin" --dir "$net" --fhir-roots system register --custodian hospital-a --patient "$patient" --url "$tls_url"
refuse "a CA file or the system's roots, not both" "cannot be used with" "$bin" --dir "$net" --fhir-roots system --fhir-ca "$tls/ca.pem" verify
check "break the glass fetches over HTTPS and HTTP alike" "$bin" --dir "$net" --fhir-ca "$tls/ca.pem" access --requester hospital-b --patient "$patient" --purpose ETREAT
check "the HTTPS record was fetched and its digest checked" grep -q "tls-1/_history/1 and its digest matches" "$work/last"
kill "$tls_server" 2>/dev/null || true
tls_server=

# 3. Bad input: clear errors, never a crash.
refuse "unknown patient" "pseudonym" "$bin" --dir "$net" audit --patient nobody
refuse "unknown purpose" "unknown purpose" "$bin" --dir "$net" access --requester hospital-b --patient "$patient" --purpose NOPE
refuse "missing network" "genesis.json" "$bin" --dir "$work/none" verify
refuse "unknown member" "not a member" "$bin" --dir "$net" grant --patient "$patient" --to hospital-z --id c2
chmod 644 "$net/keys/orgs/hospital-a/signing.key"
refuse "a key file readable by others" "readable by others" "$bin" --dir "$net" enrol --by hospital-a --national-id 1
chmod 600 "$net/keys/orgs/hospital-a/signing.key"
# A torn write at the end of the log is cut on open, and nothing complete is lost.
printf 'FBL1\0\0\1\0partial' >> "$net/ledger/blocks.log"
check "a torn log tail is recovered" "$bin" --dir "$net" verify
check "recovery said so" grep -q "torn tail" "$work/last"
# A flipped byte inside the last block is damage, not a torn write: refused, nothing cut.
flip() { python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[int(sys.argv[2])] ^= 1; open(p,'wb').write(b)" "$1" "$2"; }
size=$(stat -c %s "$net/ledger/blocks.log")
flip "$net/ledger/blocks.log" $((size - 40))
refuse "a damaged last block is refused, not cut as a torn tail" "damaged at byte" "$bin" --dir "$net" verify
check "and kept whole" test "$(stat -c %s "$net/ledger/blocks.log")" -eq "$size"
flip "$net/ledger/blocks.log" $((size - 40))
check "the repaired log verifies" "$bin" --dir "$net" verify
# A flipped byte inside a complete block is caught.
python3 - "$net/ledger/blocks.log" <<'PY'
import sys
p = sys.argv[1]; b = bytearray(open(p, 'rb').read()); b[200] ^= 1; open(p, 'wb').write(b)
PY
refuse "a damaged log with blocks after the damage is refused, not cut" "damaged at byte" "$bin" --dir "$net" verify
check "and left as it was" test "$(stat -c %s "$net/ledger/blocks.log")" -gt 1000

echo "e2e: $pass passed, $fail failed"
[ $fail -eq 0 ]

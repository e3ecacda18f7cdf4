#!/usr/bin/env bash
# Two HAPI FHIR R4 servers (fhir-server/: HAPI's JPA server on in-memory H2), one per hospital,
# on two loopback ports.
#
#   bash scripts/fhir-servers.sh start    build the jar if needed, start both (returns at once)
#   bash scripts/fhir-servers.sh wait     block until both answer GET /fhir/metadata, or time out
#   bash scripts/fhir-servers.sh status   print each server's state; exit 0 only if both run
#   bash scripts/fhir-servers.sh stop     stop both (SIGTERM, then SIGKILL after a grace period)
#   bash scripts/fhir-servers.sh urls     print the two base URLs, A then B
#
# Environment (all optional):
#   FHIRBUS_FHIR_DIR      pid files and logs            (default: target/fhir-servers)
#   FHIRBUS_FHIR_HOST     address to listen on          (default: 127.0.0.1)
#   FHIRBUS_FHIR_PORT_A   hospital A's port             (default: 8081)
#   FHIRBUS_FHIR_PORT_B   hospital B's port             (default: 8082)
#   FHIRBUS_FHIR_HEAP     -Xmx of each server           (default: 512m)
#   FHIRBUS_FHIR_TIMEOUT  seconds `wait` waits          (default: 300)
#   FHIRBUS_FHIR_SKIP_BUILD=1  do not check the jar is up to date (it must exist)
#   JAVA                  java binary                   (default: $JAVA_HOME/bin/java or java)
#
# Base URLs: http://HOST:PORT_A/fhir (hospital-a) and http://HOST:PORT_B/fhir (hospital-b).
# Each server keeps its data in memory: a restart starts empty.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${FHIRBUS_FHIR_DIR:-$root/target/fhir-servers}"
host="${FHIRBUS_FHIR_HOST:-127.0.0.1}"
port_a="${FHIRBUS_FHIR_PORT_A:-8081}"
port_b="${FHIRBUS_FHIR_PORT_B:-8082}"
heap="${FHIRBUS_FHIR_HEAP:-512m}"
timeout="${FHIRBUS_FHIR_TIMEOUT:-300}"
jar="$root/fhir-server/target/fhirbus-fhir-server.jar"
if [ -n "${JAVA:-}" ]; then java_bin="$JAVA"
elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then java_bin="$JAVA_HOME/bin/java"
else java_bin=java; fi

NAMES=(hospital-a hospital-b)

say() { printf '[fhir-servers] %s\n' "$*" >&2; }

port_of() { case "$1" in hospital-a) echo "$port_a" ;; hospital-b) echo "$port_b" ;; esac; }
base_of() { echo "http://$host:$(port_of "$1")/fhir"; }
pid_file() { echo "$dir/$1.pid"; }
log_file() { echo "$dir/$1.log"; }

# The pid of a running server of ours, or nothing. A pid file whose process is gone, or is no
# longer our jar (the pid was reused), counts as not running.
running_pid() {
  local f pid
  f="$(pid_file "$1")"
  [ -f "$f" ] || return 0
  pid="$(cat "$f" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q 'fhirbus-fhir-server.jar' || return 0
  echo "$pid"
}

answers() { # answers NAME: GET /fhir/metadata gives 200
  local code
  code="$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$(base_of "$1")/metadata" 2>/dev/null || true)"
  [ "$code" = 200 ]
}

cmd_start() {
  if [ "$port_a" = "$port_b" ]; then say "FHIRBUS_FHIR_PORT_A and _B must differ"; exit 2; fi
  if [ ! -f "$jar" ] || [ -z "${FHIRBUS_FHIR_SKIP_BUILD:-}" ]; then
    bash "$root/.ci/tools.sh" fhir
  fi
  mkdir -p "$dir"
  local name pid cds=()
  # The class-data-sharing archive the build recorded, if any (a stale one is ignored by Java).
  [ -f "${jar%.jar}.jsa" ] && cds=(-XX:SharedArchiveFile="${jar%.jar}.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
  for name in "${NAMES[@]}"; do
    pid="$(running_pid "$name")"
    if [ -n "$pid" ]; then say "$name already running (pid $pid) at $(base_of "$name")"; continue; fi
    # nohup + stdin from /dev/null: the server outlives this script and its terminal.
    nohup "$java_bin" -Xms64m -Xmx"$heap" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "${cds[@]}" \
      -Dfhirbus.host="$host" -Dfhirbus.port="$(port_of "$name")" -Dfhirbus.name="$name" \
      -jar "$jar" > "$(log_file "$name")" 2>&1 < /dev/null &
    echo $! > "$(pid_file "$name")"
    say "$name starting (pid $!) at $(base_of "$name"), log $(log_file "$name")"
  done
}

cmd_wait() {
  local deadline name pid pending
  deadline=$(( $(date +%s) + timeout ))
  while :; do
    pending=()
    for name in "${NAMES[@]}"; do
      pid="$(running_pid "$name")"
      if [ -z "$pid" ]; then
        say "$name is not running; last lines of $(log_file "$name"):"
        tail -n 20 "$(log_file "$name")" 2>/dev/null | cut -c1-400 >&2 || true
        exit 1
      fi
      answers "$name" || pending+=("$name")
    done
    if [ ${#pending[@]} -eq 0 ]; then
      for name in "${NAMES[@]}"; do say "$name ready at $(base_of "$name")"; done
      return 0
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      say "timed out after ${timeout}s waiting for: ${pending[*]}"
      exit 1
    fi
    sleep 1
  done
}

cmd_status() {
  local name pid state all=0
  for name in "${NAMES[@]}"; do
    pid="$(running_pid "$name")"
    if [ -z "$pid" ]; then state="stopped"; all=3
    elif answers "$name"; then state="running (pid $pid), answering"
    else state="running (pid $pid), not answering yet"; fi
    printf '%s\t%s\t%s\n' "$name" "$(base_of "$name")" "$state"
  done
  return $all
}

cmd_stop() {
  local name pid i
  for name in "${NAMES[@]}"; do
    pid="$(running_pid "$name")"
    if [ -z "$pid" ]; then rm -f "$(pid_file "$name")"; continue; fi
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name (pid $pid) did not stop within 20s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for i in $(seq 1 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    fi
    rm -f "$(pid_file "$name")"
    say "$name stopped"
  done
}

case "${1:-}" in
  start) cmd_start ;;
  wait) cmd_wait ;;
  status) cmd_status ;;
  stop) cmd_stop ;;
  urls) for n in "${NAMES[@]}"; do base_of "$n"; done ;;
  *) echo "usage: $0 start|wait|status|stop|urls" >&2; exit 2 ;;
esac

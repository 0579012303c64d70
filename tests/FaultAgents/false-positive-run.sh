#!/usr/bin/env bash
# The false-positive side of a failure profile: a Lighthouse and three hosts on loopback, each host running the fault
# tests' load agents (1 kHz topic, echo requests every 10 ms, held requests), with one CPU burner per core the whole
# time. Prints every unreachable/downed line and a summary; exits 0 only if no node was ever marked unreachable or downed.
#   tests/FaultAgents/false-positive-run.sh [seconds=600] [profile=robot-lan]
# Needs a Debug build of the solution (dotnet build Cluster.sln).
set -uo pipefail
cd "$(dirname "$0")/../.."
SECONDS_TO_RUN=${1:-600}; PROFILE=${2:-robot-lan}
BIN=Debug/net10.0
LH=Lighthouse/bin/$BIN/Lighthouse.dll; HOST=Cluster.Host/bin/$BIN/Cluster.Host.dll; AGENTS=tests/FaultAgents/bin/$BIN
for f in "$LH" "$HOST" "$AGENTS/FaultAgents.dll"; do [ -f "$f" ] || { echo "missing $f: build the solution first"; exit 2; }; done
WORK=$(mktemp -d); GROUP=fp-$$; PIDS=()
BASE=${FP_BASE_PORT:-24053}
# Each program runs under timeout, which forks it: both PIDs are kept, so that the program itself is stopped too.
cleanup() { for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done; wait 2>/dev/null; }
start() { local log=$1; shift
  "$@" >"$log" 2>&1 & local t=$!; PIDS+=("$t")
  for _ in $(seq 100); do local c; c=$(pgrep -P "$t") && { PIDS+=($c); return; }; sleep 0.05; done; }
trap cleanup EXIT; trap 'exit 143' INT TERM
LIFE=$((SECONDS_TO_RUN + 60))
export CLUSTER_PROFILE=$PROFILE XDG_STATE_HOME=$WORK/state
start "$WORK/lighthouse.log" timeout -k 5 $LIFE dotnet "$LH" --port $BASE --group $GROUP --members-file none
for _ in $(seq 120); do grep -q "cluster up" "$WORK/lighthouse.log" && break; sleep 0.5; done
for i in 1 2 3; do
  peers=$(for p in 1 2 3; do [ $p != $i ] && printf 'load%s,' $p; done)
  cat >"$WORK/host$i.conf" <<CONF
cluster-host.agents {
  load$i { type = "FaultAgents.LoadDevice, FaultAgents", settings { peers = "${peers%,}" } }
  hold$i { type = "FaultAgents.HoldDevice, FaultAgents" }
  membership { type = "FaultAgents.MembershipTimes, FaultAgents" }
}
CONF
  start "$WORK/host$i.log" timeout -k 5 $LIFE dotnet "$HOST" --port $((BASE + i)) --seed 127.0.0.1:$BASE --group $GROUP --agents-path "$AGENTS" --config "$WORK/host$i.conf"
done
for i in 1 2 3; do
  for _ in $(seq 120); do grep -q "cluster up" "$WORK/host$i.log" && break; sleep 0.5; done
  grep -q "cluster up" "$WORK/host$i.log" || { echo "host$i did not join within 60 s; logs in $WORK"; exit 1; }
done
# Every host hears both others before the load starts counting.
for i in 1 2 3; do
  for _ in $(seq 120); do [ "$(grep "stats t=" "$WORK/host$i.log" | tail -1 | grep -o "received=[1-9]" | wc -l)" -eq 2 ] && break; sleep 0.5; done
done
SINCE=$(date +%s%3N)
echo "cluster up ($PROFILE); burning $(nproc) cores for $SECONDS_TO_RUN s; logs in $WORK"
for _ in $(seq "$(nproc)"); do start /dev/null timeout "$SECONDS_TO_RUN" sh -c 'while :; do :; done'; done
sleep "$SECONDS_TO_RUN"
# Only what happened under load counts; start-up (JIT, joining) is not part of the run.
during() { grep -hE "membership ($1)" "$WORK"/host*.log | awk -v since="$SINCE" '{ if (match($0, / t=[0-9]+/) && substr($0, RSTART + 3, RLENGTH - 3) + 0 >= since) print }'; }
echo "--- unreachable/downed/removed during the run:"
during "unreachable|reachable|downed|removed"
events=$(during "unreachable|downed" | wc -l)
echo "--- last stats line of each host:"
for i in 1 2 3; do grep "stats t=" "$WORK/host$i.log" | tail -1 | cut -c1-400; done
# A host that heard both others at the end was in the cluster the whole time (a downed host would have exited).
alive=0; for i in 1 2 3; do [ "$(grep "stats t=" "$WORK/host$i.log" | tail -1 | grep -o "missing=0" | wc -l)" -eq 2 ] && alive=$((alive + 1)); done
echo "profile $PROFILE, $SECONDS_TO_RUN s at full CPU load on $(nproc) cores: $events unreachable/downed events, $alive of 3 hosts hearing both others with nothing missing"
[ "$events" -eq 0 ] && [ "$alive" -eq 3 ]

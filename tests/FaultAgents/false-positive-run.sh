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
cleanup() { for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT; trap 'exit 143' INT TERM
LIFE=$((SECONDS_TO_RUN + 60))
export CLUSTER_PROFILE=$PROFILE XDG_STATE_HOME=$WORK/state
timeout -k 5 $LIFE dotnet "$LH" --port $BASE --group $GROUP --members-file none >"$WORK/lighthouse.log" 2>&1 & PIDS+=($!)
for i in 1 2 3; do
  peers=$(for p in 1 2 3; do [ $p != $i ] && printf 'load%s,' $p; done)
  cat >"$WORK/host$i.conf" <<CONF
cluster-host.agents {
  load$i { type = "FaultAgents.LoadDevice, FaultAgents", settings { peers = "${peers%,}" } }
  hold$i { type = "FaultAgents.HoldDevice, FaultAgents" }
  membership { type = "FaultAgents.MembershipTimes, FaultAgents" }
}
CONF
  timeout -k 5 $LIFE dotnet "$HOST" --port $((BASE + i)) --seed 127.0.0.1:$BASE --group $GROUP --agents-path "$AGENTS" --config "$WORK/host$i.conf" >"$WORK/host$i.log" 2>&1 & PIDS+=($!)
done
for i in 1 2 3; do
  for _ in $(seq 120); do grep -q "cluster up" "$WORK/host$i.log" && break; sleep 0.5; done
done
echo "cluster up ($PROFILE); burning $(nproc) cores for $SECONDS_TO_RUN s; logs in $WORK"
for _ in $(seq "$(nproc)"); do timeout "$SECONDS_TO_RUN" sh -c 'while :; do :; done' & PIDS+=($!); done
sleep "$SECONDS_TO_RUN"
echo "--- unreachable/downed/removed during the run:"
grep -hE "membership (unreachable|downed|removed)|SBR took decision" "$WORK"/*.log
events=$(grep -hcE "membership (unreachable|downed)" "$WORK"/*.log | awk '{ s += $1 } END { print s + 0 }')
echo "--- last stats line of each host:"
for i in 1 2 3; do grep "stats t=" "$WORK/host$i.log" | tail -1 | cut -c1-400; done
alive=0; for i in 1 2 3; do grep -q "stats t=" "$WORK/host$i.log" && alive=$((alive + 1)); done
echo "profile $PROFILE, $SECONDS_TO_RUN s at full CPU load on $(nproc) cores: $events unreachable/downed events, $alive of 3 hosts reporting"
[ "$events" -eq 0 ]

#!/usr/bin/env bash
# The README's promised bounds, measured: the tests hold them only generously (a debug build
# beside dozens of other processes), so the precise figures are taken here, from the binary
# given, against the test suite's fake notification server on private buses.
#   exit 69 within 3 s: send on a stopped bus, send on a stopped server, send, send --wait,
#   sos and doctor on a server that owns its name and never answers;
#   `send --wait` ends at --timeout + 5 s on a server that never says it closed;
#   SIGTERM within 1 s: an idle daemon, and one blocked inside Notify on such a server.
# Usage: scripts/lib/promises.sh AFFIRM_BINARY WORK_DIRECTORY [RUNS]
# Prints a markdown table: median and slowest of RUNS (default 5) per row.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh
affirm=$1
work=$2
runs=${3:-5}
mkdir -p "$work"

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -CONT "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# A private bus in $1 (no service activation); sets bus_pid and bus_address.
start_bus() {
  local dir=$1
  mkdir -p "$dir"
  write_bus_config "$dir/bus.conf" session "$dir/bus"
  dbus-daemon --config-file="$dir/bus.conf" --nofork --nopidfile >"$dir/dbus.log" 2>&1 &
  bus_pid=$!
  pids+=("$bus_pid")
  bus_address="unix:path=$dir/bus"
  for _ in $(seq 200); do
    DBUS_SESSION_BUS_ADDRESS=$bus_address dbus-send --session --print-reply --dest=org.freedesktop.DBus \
      /org/freedesktop/DBus org.freedesktop.DBus.GetId >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "dbus-daemon did not start in $dir" >&2
  return 1
}

# The fake server on the bus in $1 (started by start_bus), logging to $1/notify.log, with the
# arguments that follow; sets server_pid.
start_server() {
  local dir=$1
  shift
  DBUS_SESSION_BUS_ADDRESS=$bus_address /usr/bin/python3 Tests/Fixtures/fake-notification-server.py \
    "$dir/notify.log" --capabilities body,actions "$@" 2>"$dir/server.err" &
  server_pid=$!
  pids+=("$server_pid")
  for _ in $(seq 200); do
    DBUS_SESSION_BUS_ADDRESS=$bus_address dbus-send --session --print-reply --dest=org.freedesktop.DBus \
      /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null |
      grep -q "boolean true" && return 0
    sleep 0.05
  done
  echo "the fake server did not start in $dir" >&2
  return 1
}

# Runs `affirm ARGS` RUNS times on $bus_address; prints "median ms, slowest ms, exit statuses".
measure() {
  local times=() statuses=() t0 status
  for _ in $(seq "$runs"); do
    t0=$(now_ms)
    status=0
    env HOME="$work/home" XDG_STATE_HOME="$work/state" DBUS_SESSION_BUS_ADDRESS="$bus_address" \
      "$affirm" "$@" >/dev/null 2>&1 || status=$?
    times+=($(($(now_ms) - t0)))
    statuses+=("$status")
  done
  summarize "${times[@]}"
  echo ", exit $(printf '%s\n' "${statuses[@]}" | sort -u | paste -sd/)"
}

# "median ms, slowest ms" of the numbers given (no newline).
summarize() {
  local sorted
  sorted=($(printf '%s\n' "$@" | sort -n))
  printf '%s ms, slowest %s ms' "${sorted[$((${#sorted[@]} / 2))]}" "${sorted[-1]}"
}

mkdir -p "$work/home" "$work/state"
echo
echo "| README's promise (what the tests bound generously) | measured, median of $runs |"
echo "| --- | --- |"

start_bus "$work/stopped-bus"
kill -STOP "$bus_pid"
echo "| send on a stopped bus: exit 69 within 3 s | $(measure send) |"
kill -CONT "$bus_pid"

start_bus "$work/stopped-server"
start_server "$work/stopped-server"
kill -STOP "$server_pid"
echo "| send on a stopped server: exit 69 within 3 s | $(measure send) |"
kill -CONT "$server_pid"

start_bus "$work/hung"
start_server "$work/hung" --never-answer all
for command in "send" "send --wait" "sos" "doctor"; do
  # shellcheck disable=SC2086 # the words of the command
  echo "| $command on a server that never answers: exit 69 within 3 s | $(measure $command) |"
done

start_bus "$work/keeps"
start_server "$work/keeps" --capabilities body,actions,persistence
echo "| send --wait --timeout 1 on a server that keeps it: \"expired\" after 1 + 5 s | $(measure send --wait --timeout 1) |"

# The daemon: SIGTERM while idle (its one slot hours away), and while blocked inside Notify
# (libnotify waits GDBus's 25 s there) on a server that answers everything else.
daemon_stop() {
  local mode=$1 dir=$2 times=() t0 pid at lead
  lead=$([[ $mode == idle ]] && echo 7200 || echo 3)
  for run in $(seq "$runs"); do
    at=$(date -u -d "@$(($(date +%s) + lead))" +%H:%M:%S)
    printf 'timezone = "UTC"\n[[slot]]\nname = "soon"\nat = ["%s"]\n' "$at" >"$dir/config-$run.toml"
    : >"$dir/notify.log"
    env HOME="$work/home" XDG_STATE_HOME="$dir/state-$run" XDG_RUNTIME_DIR="$dir" \
      DBUS_SESSION_BUS_ADDRESS="$bus_address" TZ=UTC \
      "$affirm" run --config "$dir/config-$run.toml" 2>"$dir/daemon-$run.log" &
    pid=$!
    for _ in $(seq 400); do
      if [[ $mode == idle ]]; then
        grep -q "info: started" "$dir/daemon-$run.log" && break
      else
        grep -q '"unanswered": "Notify"' "$dir/notify.log" && break
      fi
      sleep 0.05
    done
    t0=$(now_ms)
    kill -TERM "$pid"
    wait "$pid" || true
    times+=($(($(now_ms) - t0)))
  done
  summarize "${times[@]}"
}
echo "| an idle daemon: stops within 1 s of SIGTERM | $(daemon_stop idle "$work/stopped-server") |"
start_bus "$work/blocked"
start_server "$work/blocked" --never-answer Notify
echo "| a daemon blocked inside Notify: stops within 1 s of SIGTERM | $(daemon_stop blocked "$work/blocked") |"

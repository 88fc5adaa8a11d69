#!/usr/bin/env bash
# Stop exactly the daemons tests/radosgw/start.sh started in $RGW_STATE.
# A pid is signalled only while it still runs the expected program with
# CEPH_CONF=$RGW_STATE/ceph.conf in its environment, so a reused pid or another
# cluster is never touched. The state folder stays (start.sh wipes it; pass
# --wipe to remove it here).
set -u
[ -n "${RGW_STATE:-}" ] || { echo "radosgw/stop.sh: set RGW_STATE" >&2; exit 2; }
STATE="$(realpath -m "$RGW_STATE")"
PIDS="$STATE/pids"

# ours <pid> <name>: the pid is alive and still our daemon
ours() {
  local cmd
  [ -r "/proc/$1/cmdline" ] || return 1
  cmd=$(tr '\0' ' ' <"/proc/$1/cmdline")
  case "$2" in
    rgw|rgw-sts) [[ "$cmd" == *radosgw* ]] ;;
    osd.*) [[ "$cmd" == *ceph-osd* ]] ;;
    mon.*) [[ "$cmd" == *ceph-mon* ]] ;;
    *) return 1 ;;
  esac || return 1
  tr '\0' '\n' 2>/dev/null <"/proc/$1/environ" | grep -qxF "CEPH_CONF=$STATE/ceph.conf"
}

# wait_gone <pid> <name> <tenths>: poll until the daemon has exited
wait_gone() {
  local i
  for i in $(seq 1 "$3"); do ours "$1" "$2" || return 0; sleep 0.1; done
  ! ours "$1" "$2"
}

if [ -d "$PIDS" ]; then
  for name in rgw-sts rgw osd.0 mon.a; do   # reverse start order
    f="$PIDS/$name.pid"
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    if ours "$pid" "$name"; then
      kill -TERM "$pid" 2>/dev/null
      if ! wait_gone "$pid" "$name" 100; then
        echo "radosgw/stop.sh: $name ($pid) ignored SIGTERM, sending SIGKILL" >&2
        kill -KILL "$pid" 2>/dev/null
        wait_gone "$pid" "$name" 50
      fi
      echo "stopped $name ($pid)"
    fi
    rm -f "$f"
  done
fi
[ "${1:-}" = --wipe ] && rm -rf "$STATE"
exit 0

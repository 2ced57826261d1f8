#!/usr/bin/env bash
# Stops a cell started by start-cell.sh STATE_DIR: only the processes in its pid files (checked by
# /proc/PID/comm), SIGTERM (SIGQUIT for the fileserver, which ignores SIGTERM), SIGKILL after 30 s;
# then restores the system files listed in sysfiles.manifest. Idempotent.
set -uo pipefail
state=${1:?usage: stop-cell.sh STATE_DIR}
[ -d "$state" ] || exit 0
for pidfile in "$state"/pids/*.pid; do
  [ -f "$pidfile" ] || continue
  name=$(basename "$pidfile" .pid)
  pid=$(cat "$pidfile")
  comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
  if [ -n "$comm" ] && [ "${name#"$comm"}" != "$name" ] || [ "$comm" = "$name" ]; then
    sig=TERM; [ "$name" = fileserver ] && sig=QUIT
    kill -"$sig" "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$pidfile"
done
if [ -f "$state/sysfiles.manifest" ]; then
  while read -r action file saved; do
    case $action in
      restore) rm -rf "$file"; cp -a "$saved" "$file" ;;
      remove) rm -rf "$file" ;;
    esac
  done < "$state/sysfiles.manifest"
  rm -f "$state/sysfiles.manifest"
fi
exit 0

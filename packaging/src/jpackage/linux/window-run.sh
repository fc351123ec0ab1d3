#!/usr/bin/env bash
# Starts a window launcher (the console's hsmc-console) on its own Xvfb display and waits for its first
# window: the first top-level window the X server maps (MapNotify on the root window, seen through xev,
# so nothing polls and the console needs no hook). Then, by mode:
#
#   window-run.sh --train CACHE.aot --work DIR LAUNCHER [ARGS...]
#       AOT training at package time: runs with -XX:AOTCacheOutput=CACHE.aot, lets the window settle,
#       ends it with SIGTERM (the JVM writes the cache as it exits) and checks that the cache is there.
#   window-run.sh --measure --work DIR LAUNCHER [ARGS...]
#       benchmark: prints startup_to_first_window_ms (from starting the launcher to the map) and
#       idle_rss_mb (the process's resident set after HSMC_IDLE_SECONDS, default 5, of idling).
#
# HOME and the XDG directories point into DIR, so a run writes nothing into the caller's home.
# Needs Xvfb (Debian: xvfb) and xev (x11-utils); JavaFX needs libgtk-3-0.
set -euo pipefail

mode="" cache="" work=""
while [ $# -gt 0 ]; do
  case "$1" in
    --train) mode=train; cache="$2"; shift 2 ;;
    --measure) mode=measure; shift ;;
    --work) work="$2"; shift 2 ;;
    *) break ;;
  esac
done
[ -n "$mode" ] && [ -n "$work" ] && [ $# -ge 1 ] || { echo "usage: $0 (--train CACHE | --measure) --work DIR LAUNCHER [ARGS...]" >&2; exit 2; }
launcher="$1"; shift
settle="${HSMC_SETTLE_SECONDS:-3}"
idle="${HSMC_IDLE_SECONDS:-5}"
timeout="${HSMC_WINDOW_TIMEOUT:-120}"

rm -rf "$work"; mkdir -p "$work/home" "$work/xdg/data" "$work/xdg/cache" "$work/xdg/config"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# a display of our own: Xvfb picks a free number and writes it to fd 3
Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$work/display" >"$work/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.05; done
[ -s "$work/display" ] || { echo "Xvfb did not start; see $work/xvfb.log" >&2; exit 1; }
export DISPLAY=":$(head -n1 "$work/display")"

mkfifo "$work/events"
xev -root -event substructure >"$work/events" 2>/dev/null &
pids+=($!)
exec 4<"$work/events"
sleep 0.2   # xev has selected its events once it has opened the display; this is ample

env_args=(HOME="$work/home" XDG_DATA_HOME="$work/xdg/data" XDG_CACHE_HOME="$work/xdg/cache" XDG_CONFIG_HOME="$work/xdg/config")
if [ "$mode" = train ]; then
  rm -f "$cache"
  env_args+=(JAVA_TOOL_OPTIONS="-XX:AOTCacheOutput=$cache")
fi

start=$(date +%s%N)
env "${env_args[@]}" "$launcher" "$@" >"$work/output.txt" 2>&1 &
app=$!
mapped=""
deadline=$((SECONDS + timeout))
while [ -z "$mapped" ]; do
  if IFS= read -r -t 1 line <&4; then
    case "$line" in MapNotify*) mapped=$(date +%s%N) ;; esac
  else
    kill -0 "$app" 2>/dev/null || break              # the launcher ended without a window
    [ "$SECONDS" -lt "$deadline" ] || break
  fi
done
if [ -z "$mapped" ]; then
  echo "No window from $launcher (it ended, or ${timeout}s passed); its output:" >&2
  cat "$work/output.txt" >&2
  kill "$app" 2>/dev/null || true
  exit 1
fi

if [ "$mode" = measure ]; then
  echo "startup_to_first_window_ms=$(( (mapped - start) / 1000000 ))"
  sleep "$idle"
  rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$app/status")
  echo "idle_rss_mb=$(( (rss_kb + 512) / 1024 ))"
  kill -TERM "$app"; wait "$app" 2>/dev/null || true
else
  sleep "$settle"
  kill -TERM "$app"
  wait "$app" 2>/dev/null || true   # the JVM exits 143 after writing the cache
  [ -s "$cache" ] || { echo "The training run wrote no AOT cache at $cache; its output:" >&2; cat "$work/output.txt" >&2; exit 1; }
  echo "AOT cache written: $cache ($(( $(stat -c %s "$cache") / 1048576 )) MB)"
fi

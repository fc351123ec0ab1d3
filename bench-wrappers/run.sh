#!/usr/bin/env bash
# Builds and runs the three PKCS#11 wrapper benchmarks (plain C, ipkcs11wrapper,
# jpkcs11wrapper) against a throwaway SoftHSM2 token. See README.md.
#
# Usage: bench-wrappers/run.sh [pkcs11-module-path]
#   module: argument, else $HSMC_PKCS11_MODULE, else /usr/lib/softhsm/libsofthsm2.so,
#           else the libsofthsm2.so listed by `dpkg -L libsofthsm2`.
#   BENCH_ROUNDS, BENCH_ROUND_MS, BENCH_WARMUP are passed through to the programs.
# Stdout: only name=value lines (operations per second); progress goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
p11kit_header=/usr/include/p11-kit-1/p11-kit/pkcs11.h

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

java_major() { # prints the feature version of the JDK at $1 (0 if none)
  local v
  v="$("$1/bin/java" -version 2>&1 | awk -F'"' '/ version "/ {print $2; exit}')" || true
  v="${v%%[.+-]*}"
  [[ "$v" =~ ^[0-9]+$ ]] && echo "$v" || echo 0
}

find_jdk25() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && (( $(java_major "$JAVA_HOME") >= 25 )); then
    echo "$JAVA_HOME"; return
  fi
  local d
  for d in /usr/lib/jvm/temurin-25*; do
    if [[ -x "$d/bin/java" ]] && (( $(java_major "$d") >= 25 )); then
      echo "$d"; return
    fi
  done
  die "no JDK 25 found: set JAVA_HOME to a JDK 25 or later, or install Temurin 25 (apt-get install temurin-25-jdk from https://packages.adoptium.net/artifactory/deb, or https://adoptium.net)."
}

find_module() {
  local m="${1:-${HSMC_PKCS11_MODULE:-}}"
  if [[ -z "$m" ]]; then
    if [[ -e /usr/lib/softhsm/libsofthsm2.so ]]; then
      m=/usr/lib/softhsm/libsofthsm2.so
    else
      m="$(dpkg -L libsofthsm2 2>/dev/null | grep 'libsofthsm2\.so$' | head -n 1 || true)"
    fi
  fi
  [[ -n "$m" && -e "$m" ]] || die "PKCS#11 module not found (${m:-none}): pass its path or install SoftHSM2 (apt-get install softhsm2)."
  echo "$m"
}

ensure_p11kit_header() {
  [[ -f "$p11kit_header" ]] && return
  local apt=(apt-get)
  if (( EUID != 0 )); then
    command -v sudo >/dev/null || die "$p11kit_header missing: install libp11-kit-dev (as root: apt-get install -y libp11-kit-dev)."
    apt=(sudo apt-get)
  fi
  log "installing libp11-kit-dev (PKCS#11 header)"
  export DEBIAN_FRONTEND=noninteractive
  "${apt[@]}" install -y -qq libp11-kit-dev >&2 \
    || { "${apt[@]}" update -qq >&2 && "${apt[@]}" install -y -qq libp11-kit-dev >&2; }
  [[ -f "$p11kit_header" ]] || die "$p11kit_header still missing after installing libp11-kit-dev."
}

# Runs a benchmark: name=value lines to stdout, any other stdout line to stderr.
run_bench() {
  "$@" | awk '/^[a-z0-9_]+=[0-9]+$/ { print; fflush(); next } { print > "/dev/stderr" }'
}

for tool in gcc mvn softhsm2-util; do
  command -v "$tool" >/dev/null || die "$tool not found on PATH."
done
module="$(find_module "${1:-}")"
JAVA_HOME="$(find_jdk25)"
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# Maven 3.8's bundled Guava trips JDK 25's sun.misc.Unsafe warning; silence it.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
ensure_p11kit_header
log "module $module, JDK $JAVA_HOME"

# --- build -------------------------------------------------------------------
log "building c/p11bench"
mkdir -p "$here/c/build"
gcc -O2 -Wall -Wextra -std=gnu11 -I/usr/include/p11-kit-1 \
  -o "$here/c/build/p11bench" "$here/c/p11bench.c" -ldl -lpthread
for project in iaik jdk; do
  log "building $project (mvn)"
  # (Maven 3.8 emits stray ANSI resets even in batch mode: strip them)
  mvn -q -B -f "$here/$project/pom.xml" compile 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
done
cp_iaik="$here/iaik/target/classes:$(cat "$here/iaik/target/classpath.txt")"
cp_jdk="$here/jdk/target/classes:$(cat "$here/jdk/target/classpath.txt")"

# --- throwaway token -----------------------------------------------------------
store="$(mktemp -d "${TMPDIR:-/tmp}/hsmc-bench.XXXXXX")"
trap 'rm -rf "$store"' EXIT
mkdir "$store/tokens"
cat > "$store/softhsm2.conf" <<EOF
directories.tokendir = $store/tokens
objectstore.backend = file
log.level = ERROR
EOF
export SOFTHSM2_CONF="$store/softhsm2.conf"
softhsm2-util --init-token --free --label bench --so-pin 87654321 --pin 123456 >&2

# --- run -----------------------------------------------------------------------
log "running c (plain C)"
run_bench "$here/c/build/p11bench" "$module"
log "running iaik (ipkcs11wrapper 1.0.9)"
run_bench java --enable-native-access=ALL-UNNAMED -cp "$cp_iaik" \
  org.hsmc.bench.iaik.IaikBench "$module"
log "running jdkwrapper (jpkcs11wrapper 1.0.0)"
run_bench java --add-modules jdk.crypto.cryptoki \
  --add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED -cp "$cp_jdk" \
  org.hsmc.bench.jdk.JdkWrapperBench "$module"
log "done"

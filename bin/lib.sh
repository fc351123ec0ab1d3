# Shared by the bin/ scripts: find JDK 25 and SoftHSM2, install what a fresh machine lacks.

# Sets JAVA_HOME to a JDK 25 or later, or stops with a sentence that says how to get one.
hsmc_find_jdk() {
  local candidate v
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-* /usr/lib/jvm/*25* /usr/lib/jvm/*-2[6-9]* /opt/java/*25*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    v="$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "The console needs a JDK 25 or later, and none was found (JAVA_HOME, /usr/lib/jvm)." >&2
  echo "Install Temurin 25 (for example 'apt-get install temurin-25-jdk' from the Adoptium repository) and set JAVA_HOME to it." >&2
  exit 1
}

# Installs Debian packages that are missing, when we may (root, or passwordless sudo).
hsmc_apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      echo "Missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
      return 1
    fi
  fi
  echo "Installing ${missing[*]} …" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
}

hsmc_root() {
  cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd
}

# The JVM flags every process that runs the driver needs (kept in step with hsmc.jvm.flags in pom.xml).
HSMC_JVM_FLAGS=(--enable-native-access=ALL-UNNAMED --add-modules jdk.crypto.cryptoki
  --add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED)

# Builds the console (mvn install of app and what it needs) when app/target/hsmc.jar is missing or
# older than any source, POM or resource of the checkout.
hsmc_build_if_needed() {
  local root="$1" jar="$1/app/target/hsmc.jar" newer=""
  if [ -f "$jar" ]; then
    newer="$(find "$root" -name target -prune -o -name .git -prune -o \( -name '*.java' -o -name pom.xml -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit)"
  fi
  if [ ! -f "$jar" ] || [ -n "$newer" ]; then
    echo "Building the console (first use, or sources changed) …" >&2
    (cd "$root" && mvn -q -B -ntp install -DskipTests -pl app -am >&2)
  fi
}

# Sourced by .ci/run and ./cluster: points JAVA_HOME at a JDK 25 or explains how to get one.
# The build machines default to JDK 17 and keep a Temurin JDK 25 under /usr/lib/jvm.

lab_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1
}

lab_find_jdk25() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/java/* "$HOME"/.sdkman/candidates/java/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    if [ "$(lab_java_major "$candidate/bin/java")" = "25" ]; then
      echo "$candidate"
      return 0
    fi
  done
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    if [ "$(lab_java_major "$candidate/bin/java")" = "25" ]; then
      echo "$candidate"
      return 0
    fi
  fi
  return 1
}

if ! JAVA_HOME=$(lab_find_jdk25); then
  echo "No JDK 25 found (looked at \$JAVA_HOME, /usr/lib/jvm/*, /opt/java/*, ~/.sdkman and the javac on PATH)." >&2
  echo "Install one (for example Eclipse Temurin 25) and set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

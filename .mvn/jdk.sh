# Sourced by ./build and ./serve: makes JAVA_HOME and PATH name a JDK 21 or newer, found in the usual places when
# the default java is older, or stops with what to install. POSIX sh; no machine-specific path.

jdk_major() {
  # "21.0.2", "25", "1.8.0_392" -> 21, 25, 1
  "$1/bin/java" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1
}

jdk_ok() {
  [ -n "$1" ] && [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && major=$(jdk_major "$1") \
    && [ -n "$major" ] && [ "$major" -ge 21 ]
}

jdk_find() {
  if jdk_ok "${JAVA_HOME:-}"; then
    printf '%s\n' "$JAVA_HOME"
    return 0
  fi
  if command -v java >/dev/null 2>&1; then
    home=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.home = //p' | head -n 1)
    if jdk_ok "$home"; then
      printf '%s\n' "$home"
      return 0
    fi
  fi
  if [ -x /usr/libexec/java_home ]; then
    home=$(/usr/libexec/java_home -v 21+ 2>/dev/null) && jdk_ok "$home" && { printf '%s\n' "$home"; return 0; }
  fi
  # The newest of the JDKs installed where package managers and installers put them. JDK_CANDIDATES replaces the
  # list (the build's own test of this script uses it).
  best=""
  best_major=0
  for home in ${JDK_CANDIDATES:-/usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home \
      "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* /opt/java/* /usr/local/opt/openjdk*/libexec/openjdk.jdk/Contents/Home}; do
    if jdk_ok "$home" && [ "$major" -gt "$best_major" ]; then
      best="$home"
      best_major="$major"
    fi
  done
  [ -n "$best" ] && printf '%s\n' "$best"
}

if found_jdk=$(jdk_find) && [ -n "$found_jdk" ]; then
  JAVA_HOME="$found_jdk"
  PATH="$JAVA_HOME/bin:$PATH"
  export JAVA_HOME PATH
  unset found_jdk
else
  echo "No JDK 21 or newer found: this project (Helidon 4) needs one to build and run." >&2
  echo "Looked at JAVA_HOME, the java on PATH and the usual install places (/usr/lib/jvm, /Library/Java/JavaVirtualMachines, ~/.sdkman)." >&2
  echo "Install one, for example: apt-get install openjdk-21-jdk (Debian, Ubuntu), brew install openjdk@21 (macOS)," >&2
  echo "sdk install java 21-tem (SDKMAN), or Temurin from adoptium.net; or set JAVA_HOME to one." >&2
  exit 1
fi

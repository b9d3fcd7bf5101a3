# Sourced (POSIX sh) by ./mvnw and ./munero: exports JAVA_HOME pointing at a JDK >= 21.
# Order: $JAVA_HOME if it is >= 21, else the newest JDK >= 21 in the usual JVM folders.
# With none, it says what to install and exits 2.
munero_java_major() { # $1 = path to a java binary; prints its feature version (17, 21, 25...)
  # the JDK's release file answers without starting a JVM; ask the JVM only when it is absent
  munero_rel="$(dirname "$(dirname "$1")")/release"
  if [ -f "$munero_rel" ]; then
    sed -n 's/^JAVA_VERSION="\(1\.\)\{0,1\}\([0-9]*\).*/\2/p' "$munero_rel" | head -n 1
  else
    "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1
  fi
}
munero_pick_jdk() {
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(munero_java_major "$JAVA_HOME/bin/java")
    if [ "${v:-0}" -ge 21 ] 2>/dev/null; then return 0; fi
  fi
  best=""; bestv=0
  case $- in *f*) munero_noglob=1; set +f ;; *) munero_noglob=0 ;; esac
  for d in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/*; do
    [ -x "$d/bin/javac" ] || continue
    v=$(munero_java_major "$d/bin/java")
    case "$v" in ''|*[!0-9]*) continue ;; esac
    if [ "$v" -ge 21 ] && [ "$v" -gt "$bestv" ]; then best=$d; bestv=$v; fi
  done
  [ "$munero_noglob" = 1 ] && set -f
  if [ -z "$best" ]; then
    echo "munero: needs a JDK 21 or newer, and found none (JAVA_HOME=${JAVA_HOME:-unset}; looked in /usr/lib/jvm, /usr/java, /opt)." >&2
    echo "munero: install one, e.g. 'apt-get install openjdk-21-jdk' (Debian/Ubuntu) or Temurin 21+, then rerun or set JAVA_HOME." >&2
    exit 2
  fi
  JAVA_HOME=$best
  export JAVA_HOME
}
munero_pick_jdk

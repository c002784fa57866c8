#!/bin/sh
# Prints the home of a JDK 22+ (the build needs java.lang.foreign): JAVA_HOME when it is new
# enough, else the newest under /usr/lib/jvm. Exits 1 with a message when there is none.
feature() {
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null
}
for home in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
  home=${home%/}
  [ -n "$home" ] && [ -x "$home/bin/javac" ] || continue
  v=$(feature "$home")
  if [ -n "$v" ] && [ "$v" -ge 22 ]; then
    echo "$home"
    exit 0
  fi
done
echo "no JDK 22+ found: install one (e.g. Temurin 25) and set JAVA_HOME to it" >&2
exit 1

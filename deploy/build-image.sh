#!/usr/bin/env bash
# Builds the flex-auth image localhost/flex-auth:<version> from this checkout, with podman or
# docker and no registry: the image is FROM scratch, and everything in it is prepared here, on the
# host, in a build context that deploy/Containerfile only copies from (see docs/operations.md,
# "In a container"):
#
#   rootfs/opt/flex-auth/flex-auth.jar   the runnable jar, built by bin/flex-auth if stale
#   rootfs/opt/flex-auth/jre/            a jlinked runtime of the JDK running this script: the
#                                        modules the jar needs (a fixed list, see MODULES below)
#   rootfs/opt/flex-auth/flex-auth.jsa   the class-data-sharing archive of serve's start-up,
#                                        dumped by that runtime
#   rootfs/lib*/...                      the shared libraries the runtime links (ldd), from the host
#   rootfs/etc/passwd, rootfs/etc/group  root and flexauth (10001)
#   log/                                 the empty decision log directory, owned by 10001 in the image
#
# Build output goes to stderr; the last line on stdout is the image reference.
#
# Usage: deploy/build-image.sh [--engine podman|docker] [--tag IMAGE] [--check-modules]
#   --engine  the container engine (default: podman if installed, else docker; or FLEX_AUTH_ENGINE)
#   --tag     the image reference (default: localhost/flex-auth:<the jar's version>)
#   --check-modules  (for developers, after a dependency change) also run jdeps on the jar and
#             stop if MODULES no longer matches what it finds; 20 to 55 s more
# Needs a Linux host with a JDK 17 or newer (jlink; JAVA_HOME or the java on the PATH) and Maven;
# the image is for the host's architecture and runs the host JDK's Java.
set -euo pipefail

die() {
  echo "build-image: $*" >&2
  exit 1
}
say() {
  echo "build-image: [${SECONDS}s] $*" >&2
}
usage() {
  sed -n '18,23p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 64
}

engine="${FLEX_AUTH_ENGINE:-}"
tag=""
check_modules=""
while [ $# -gt 0 ]; do
  case "$1" in
    --engine) [ $# -ge 2 ] || usage; engine="$2"; shift 2 ;;
    --tag) [ $# -ge 2 ] || usage; tag="$2"; shift 2 ;;
    --check-modules) check_modules=yes; shift ;;
    -h | --help) usage ;;
    *) echo "build-image: unknown argument $1" >&2; usage ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ -z "$engine" ]; then
  if command -v podman >/dev/null 2>&1; then engine=podman
  elif command -v docker >/dev/null 2>&1; then engine=docker
  else die "neither podman nor docker is installed; install one (e.g. apt-get install --no-install-recommends podman runc containernetworking-plugins)"
  fi
fi
case "$engine" in podman | docker) ;; *) die "--engine must be podman or docker, got $engine" ;; esac
command -v "$engine" >/dev/null 2>&1 || die "$engine is not installed"
[ "$(uname -s)" = Linux ] || die "the image holds the host's jlinked JDK and glibc libraries, so it is built on Linux; this is $(uname -s)"
command -v ldd >/dev/null 2>&1 || die "ldd is missing (it comes with glibc: package libc-bin)"

# The JDK whose runtime goes into the image: JAVA_HOME, else the one the java on the PATH is in.
if [ -n "${JAVA_HOME:-}" ]; then
  jdk="$JAVA_HOME"
else
  java_bin="$(command -v java)" || die "no java found; install a JDK 17 or newer, or set JAVA_HOME"
  java_bin="$(readlink -f "$java_bin")"
  jdk="${java_bin%/bin/java}"
fi
for tool in java jlink ${check_modules:+jdeps}; do
  [ -x "$jdk/bin/$tool" ] || die "$jdk/bin/$tool is missing: the image is built with a JDK's jlink (e.g. apt-get install openjdk-17-jdk-headless), set JAVA_HOME to one"
done

out="$root/flex-auth-cli/target/image"
jar="$root/flex-auth-cli/target/flex-auth.jar"

say "the jar"
# 1. The jar, exactly as bin/flex-auth builds it (again only when a source is newer than it).
version_line="$(JAVA_HOME="$jdk" FLEX_AUTH_CDS=off "$root/bin/flex-auth" version)" || die "bin/flex-auth could not build or run the jar"
version="$(printf '%s\n' "$version_line" | sed -n 's/^flex-auth \([^ ]*\) .*/\1/p')"
[ -n "$version" ] || die "cannot read the version from '$version_line'"
tag="${tag:-localhost/flex-auth:$version}"
revision="$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)"
if [ "$revision" != unknown ] && [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  revision="$revision-dirty"
fi

rm -rf "$out"
ctx="$out/context"
rootfs="$ctx/rootfs"
app="$rootfs/opt/flex-auth"
mkdir -p "$app" "$rootfs/etc/flex-auth" "$rootfs/tmp" "$ctx/log"
chmod 1777 "$rootfs/tmp"
# The jar repacked at zip's best level, without Maven's copies of the dependencies' POMs (their
# licences stay): about 50 KB, which keeps the image under its 60 MB limit (issue 22).
command -v zip >/dev/null 2>&1 && command -v unzip >/dev/null 2>&1 \
  || die "zip and unzip are required to repack the jar into the image (apt-get install zip unzip)"
repack="$out/repack"
mkdir -p "$repack"
(
  cd "$repack"
  unzip -q "$jar"
  rm -rf META-INF/maven
  # The manifest first, as a jar has it.
  zip -q -X -9 "$app/flex-auth.jar" META-INF/MANIFEST.MF
  zip -q -X -9 -r "$app/flex-auth.jar" . -x META-INF/MANIFEST.MF
) || die "repacking $jar failed"
rm -rf "$repack"

# 2. The runtime: a fixed module list, because jdeps takes 20 to 55 s of every build to find the
# same answer. jdeps (run by --check-modules) lists java.base, java.desktop, java.net.http,
# java.sql and jdk.httpserver; from that:
# - out: java.sql and java.desktop, which only Jackson's optional extras import (java.sql.Date and
#   Timestamp (de)serializers, java.beans.@ConstructorProperties); Jackson looks them up
#   reflectively and does without, flex-auth uses none of them, and they would add 15 MB;
# - in: jdk.unsupported (sun.misc.Signal, the SIGHUP reload, looked up reflectively) and
#   jdk.crypto.ec (elliptic-curve TLS for serve --tls-keystore and https sources), where the JDK
#   still has it.
readonly MODULES="java.base,java.net.http,jdk.httpserver,jdk.unsupported"
readonly JDEPS_FINDS="java.base,java.desktop,java.net.http,java.sql,jdk.httpserver"
mods="$MODULES"
if "$jdk/bin/java" --list-modules | grep -q '^jdk.crypto.ec@'; then mods="$mods,jdk.crypto.ec"; fi
if [ -n "$check_modules" ]; then
  say "jdeps (--check-modules)"
  found="$("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 "$jar")" \
    || die "jdeps could not list the modules $jar needs"
  [ "$found" = "$JDEPS_FINDS" ] || die "jdeps now finds $found where this script expects $JDEPS_FINDS: a dependency \
changed; decide which of the new modules the image needs, then update MODULES and JDEPS_FINDS in $0 (and the comment above them)"
fi
# Each JDK's best zip level: zip-9 from JDK 21 on, 2 (zip) before.
jlink_major="$("$jdk/bin/jlink" --version | cut -d. -f1)"
compress=2
[ "$jlink_major" -ge 21 ] 2>/dev/null && compress=zip-9
# Left out of the runtime, as nothing in flex-auth uses them: the translations of the launcher's,
# keytool's and the security messages (the image runs in the POSIX locale, so they are never read);
# below, keytool, the JDK's default class list (the archive is dumped from our own), jrt-fs.jar
# (for other JDKs reading this one's modules), jexec, jspawnhelper (flex-auth starts no process)
# and libjsig (signal chaining for native code). About 0.5 MB in all.
translations='regex:/java\.base/sun/(launcher/resources|security/util|security/tools/keytool)/[A-Za-z]+_(de|es|fr|it|ja|ko|pt_BR|sv|zh_CN|zh_TW|zh_HK)\.(class|properties)'
say "jlink $mods from $jdk (--compress=$compress)"
"$jdk/bin/jlink" --add-modules "$mods" --output "$app/jre" --strip-debug --no-header-files --no-man-pages \
  --compress="$compress" --exclude-resources="$translations" >&2
rm -f "$app/jre/bin/keytool" "$app/jre/lib/classlist" "$app/jre/lib/jrt-fs.jar" "$app/jre/lib/jexec" \
  "$app/jre/lib/jspawnhelper" "$app/jre/lib/libjsig.so" "$app/jre/lib/server/libjsig.so"
# The JDK's libjvm.so carries its symbol table, 4 of its 24 MB; strip (binutils) drops it.
if command -v strip >/dev/null 2>&1; then
  find "$app/jre" -name '*.so' -exec strip --strip-unneeded {} +
else
  echo "build-image: strip (binutils) is not installed: the runtime keeps its native symbols, 4 MB more" >&2
fi

say "the libraries"
# 3. The shared libraries the runtime links, at the paths the dynamic linker looks them up by.
libs="$(find "$app/jre" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \; 2>/dev/null \
  | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | grep -v "^$app/" | sort -u)"
[ -n "$libs" ] || die "ldd found no libraries for $app/jre/bin/java"
for lib in $libs; do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done

# 4. The users: a process's uid must have a name for the JVM (user.name, user.home).
printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'flexauth:x:10001:10001:flex-auth:/nonexistent:/sbin/nologin' >"$rootfs/etc/passwd"
printf '%s\n' 'root:x:0:' 'flexauth:x:10001:' >"$rootfs/etc/group"

# 5. The class-data-sharing archive, dumped by the image's own runtime from the classes `serve`
# loads until its /healthz answers, with the example files (the classes of the first decisions and
# of the other commands then load from the jar: an archive of every command's path, as
# bin/flex-auth makes, is 24 MB instead of 18). Java 17 uses an archive only with the jar it was
# dumped with, which it finds by the path given at dump time: the relative flex-auth.jar here,
# which the image resolves from its working directory /opt/flex-auth.
say "the class-data-sharing archive"
command -v curl >/dev/null 2>&1 || die "curl is required for the class-data-sharing training run (apt-get install curl)"
(
  cd "$app"
  jre/bin/java -XX:DumpLoadedClassList="$out/classlist" -XX:-UsePerfData -jar flex-auth.jar serve --addr 127.0.0.1:0 \
    --registry "$root/examples/ops-warden/production_registry_snapshot.json" \
    --policy "$root/examples/ops-warden/policy_package.md" --log "$out/training-decisions.jsonl" 2>"$out/training.log" &
  server=$!
  trap 'kill "$server" 2>/dev/null || true' EXIT
  healthy=""
  for _ in $(seq 1 600); do
    url="$(sed -n 's/.*flex-auth: listening on \(http:\/\/[^ ]*\) .*/\1/p' "$out/training.log")"
    if [ -n "$url" ] && curl -fsS --max-time 2 -o /dev/null "$url/healthz" 2>/dev/null; then
      healthy=yes
      break
    fi
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$healthy" ] || { cat "$out/training.log" >&2; die "the class-data-sharing training run (serve) did not answer /healthz within 60 s"; }
  kill -TERM "$server"
  wait "$server" || true
  trap - EXIT
  # The start-up pair's Properties are checked after the first answer, so whether the run above
  # reached that check before the kill is a race: its classes (dev/flexauth/analysis) are left out,
  # and load from the jar, off the start's path. The archive's size then does not hang on the race
  # (it decided some 150 KB, with 60 MB as the limit).
  grep -v 'dev/flexauth/analysis/' "$out/classlist" >"$out/classlist.start"
  mv -f "$out/classlist.start" "$out/classlist"
  jre/bin/java -Xshare:dump -XX:SharedClassListFile="$out/classlist" -XX:SharedArchiveFile=flex-auth.jsa \
    -Xlog:cds=off -Xlog:cds+dynamic=off -cp flex-auth.jar >"$out/dump.log" 2>&1 \
    || { cat "$out/dump.log" >&2; die "the class-data-sharing dump failed"; }
  # Check that it maps, as the image will run it (-Xshare:on fails where the default would ignore it).
  jre/bin/java -Xshare:on -XX:SharedArchiveFile=flex-auth.jsa -XX:-UsePerfData -jar "$app/flex-auth.jar" version >/dev/null \
    || die "the class-data-sharing archive does not map with the jar it was dumped with"
)

# 6. The image.
build=("$engine" build -f "$root/deploy/Containerfile" --build-arg "VERSION=$version" --build-arg "REVISION=$revision" -t "$tag")
if [ "$engine" = podman ]; then
  build+=(--pull=never)
fi
say "${build[*]} $ctx"
"${build[@]}" "$ctx" >&2
say "$tag: $(du -sh "$rootfs" | cut -f1) on disk, flex-auth $version, revision $revision" >&2
echo "$tag"

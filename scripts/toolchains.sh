#!/usr/bin/env bash
# scripts/toolchains.sh: the Linux part of the toolchain setup. Finds or installs
# the Kotlin (JVM) and Swift toolchains that test the generated bindings, and keeps
# them in a cache outside the checkout. The xtask (xtask/src/toolchains.rs) calls it
# on Linux only; a Mac uses its native swift and kotlinc.
#
# Run directly:
#   scripts/toolchains.sh kotlin-env         # set up, then print NAME=value lines (the xtask reads them)
#   scripts/toolchains.sh android-env        # aapt2 and the framework resources, as NAME=value lines
#   scripts/toolchains.sh kotlin|swift|all   # set up, then print `export ...` lines
#   scripts/toolchains.sh swift-exec CMD...  # run CMD in the current directory
#   TOOLCHAINS_NO_INSTALL='./dev toolchains' scripts/toolchains.sh ...   # find only, never install
#   scripts/toolchains.sh swift-umount       # remove mounts a killed run left behind
#
# Why it looks like this:
# - This machine has no Maven Central, Gradle or swift.org, so Kotlin comes from the
#   npm package `kotlin-compiler` (the full kotlinc distribution), the jars from
#   Debian packages, and Swift from Debian 13 (trixie), whose `swiftlang` needs
#   trixie's glibc and so runs in a debootstrapped trixie root via chroot.
# - A native `kotlinc` (>= 2.0) or `swift` on PATH (a Mac, a dev box) always wins.
# - The file is sourced by a caller that may or may not use `set -euo pipefail`, so it
#   never changes the caller's shell options: every step checks its own result and
#   the public functions return non-zero with a message on stderr.
# - All progress lines go to stderr (prefix `toolchains:`), so stdout stays clean
#   for the commands swift_exec runs and for `eval "$(scripts/toolchains.sh kotlin)"`.

TOOLCHAINS_KOTLIN_VERSION=2.4.20
TOOLCHAINS_SWIFT_VERSION=6.0.3       # what trixie ships; names the cache folder
TOOLCHAINS_SWIFT_SUITE=trixie
TOOLCHAINS_DEBIAN_MIRROR=${TOOLCHAINS_DEBIAN_MIRROR:-http://deb.debian.org/debian}

# Jars the Kotlin tests and demo need from the compiler's lib/ folder.
_TC_KOTLIN_JARS="kotlin-stdlib.jar kotlinx-coroutines-core-jvm.jar kotlin-test.jar kotlin-test-junit5.jar"
# Where Debian's swiftlang keeps the Swift runtime libraries.
_TC_SWIFT_RUNTIME=/usr/libexec/swift/lib/swift/linux
# Written into a finished Swift root; its presence is what "complete" means.
_TC_SWIFT_MARKER=.offline-push-toolchain-complete

# The checkout's top folder (physical path): swift_exec mounts it into the root.
_TC_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

# --- small helpers ----------------------------------------------------------------

# With TOOLCHAINS_NO_INSTALL set (to the command that installs, e.g. `./dev toolchains`),
# nothing is installed: what is missing is an error naming that command.
_tc_may_install() {
  [[ -z ${TOOLCHAINS_NO_INSTALL:-} ]] && return 0
  _tc_err "$1 is missing; \`$TOOLCHAINS_NO_INSTALL\` installs it"
  return 1
}

_tc_log() { printf 'toolchains: %s\n' "$*" >&2; }
# Prints only (status 0), so `cmd || { _tc_err ...; return 1; }` is safe under set -e.
_tc_err() { printf 'toolchains: error: %s\n' "$*" >&2; }

# The cache folder, created and made absolute (a relative path would break once we cd).
_tc_cache_dir() {
  local dir=${OFFLINE_PUSH_CACHE:-}
  if [[ -z $dir ]]; then
    [[ -n ${HOME:-} ]] || { _tc_err "neither OFFLINE_PUSH_CACHE nor HOME is set"; return 1; }
    dir=$HOME/.cache/offline-push
  fi
  mkdir -p "$dir" || { _tc_err "cannot create cache folder $dir"; return 1; }
  (cd "$dir" && pwd -P)
}

# Runs a command as root: apt-get, debootstrap, mount and chroot all need it.
_tc_as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# --- Debian packages --------------------------------------------------------------

# apt's progress output goes to a temporary log, shown only when the install fails.
_tc_apt_install() {
  local log rc=0
  log=$(mktemp) || return 1
  _tc_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "$@" >"$log" 2>&1 || rc=$?
  if [[ $rc -ne 0 ]]; then tail -n 15 "$log" >&2; fi
  rm -f "$log"
  return "$rc"
}

# Arguments are FILE=PACKAGE pairs. Installs the packages whose file is missing;
# checking files (not dpkg) keeps the common case instant and offline. The package
# lists are refreshed only when the first install fails (stale lists on a fresh box).
_tc_ensure_debian_files() {
  local pair missing=()
  for pair in "$@"; do
    if [[ ! -e ${pair%=*} ]]; then missing+=("${pair##*=}"); fi
  done
  if [[ ${#missing[@]} -eq 0 ]]; then return 0; fi
  _tc_may_install "Debian packages ${missing[*]}" || return 1

  if ! command -v apt-get >/dev/null 2>&1; then
    _tc_err "missing ${missing[*]} and there is no apt-get here: install them yourself or set the *_JAR variables"
    return 1
  fi
  _tc_log "installing Debian packages: ${missing[*]}"
  if _tc_apt_install "${missing[@]}"; then return 0; fi
  _tc_log "apt-get install failed; running apt-get update and trying once more"
  _tc_as_root apt-get update -qq >&2 || { _tc_err "apt-get update failed"; return 1; }
  _tc_apt_install "${missing[@]}" || { _tc_err "apt-get install ${missing[*]} failed"; return 1; }
}

# --- Android resources -------------------------------------------------------------

# aapt2 and the framework resources Debian 12 ships (Android 10, API 29), which the
# demo app's manifest and resources are compiled and linked against (`./dev test`:
# xtask/src/apps.rs). No Android SDK is needed for that check.
_TC_AAPT2=/usr/bin/aapt2
_TC_FRAMEWORK_RES=/usr/share/android-framework-res/framework-res.apk
toolchains_android() {
  _tc_ensure_debian_files "$_TC_AAPT2=aapt" "$_TC_FRAMEWORK_RES=android-framework-res" || return 1
  AAPT2=$_TC_AAPT2
  FRAMEWORK_RES=$_TC_FRAMEWORK_RES
}

# JNA as Android apps get it: the AAR pins 5.18.1, Debian 12 has 5.13. Debian's
# newer packages (sid: 5.19.1) depend only on libc6 >= 2.34 and libffi8 >= 3.4, which
# Debian 12 has, so they are fetched from sid with a private package list (the
# machine's sources stay as they are) and installed over the old ones. Debian's JNA
# loads its native part from /usr/lib only, so the jar alone would not do.
_TC_JNA_MIN=5.18
_tc_jna_version() {
  dpkg-query -W -f='${Version}' libjna-java 2>/dev/null | sed -E 's/-[^-]*$//'
}

_tc_ensure_new_jna() {
  local version tmp opts rc=0
  version=$(_tc_jna_version)
  if [[ -n $version ]] && dpkg --compare-versions "$version" ge "$_TC_JNA_MIN"; then return 0; fi
  _tc_may_install "JNA >= $_TC_JNA_MIN (have ${version:-none})" || return 1
  command -v apt-get >/dev/null 2>&1 || { _tc_err "JNA ${version:-none} is older than $_TC_JNA_MIN and there is no apt-get"; return 1; }
  _tc_log "installing JNA >= $_TC_JNA_MIN from Debian sid (Debian 12 has ${version:-none})"
  tmp=$(mktemp -d) || return 1
  mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial"
  echo "deb http://deb.debian.org/debian sid main" >"$tmp/sid.list"
  chmod -R a+rwx "$tmp"
  opts=(-o "Dir::Etc::sourcelist=$tmp/sid.list" -o Dir::Etc::sourceparts=/dev/null
        -o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache=$tmp/cache")
  { _tc_as_root apt-get "${opts[@]}" update -qq &&
    (cd "$tmp" && _tc_as_root apt-get "${opts[@]}" download libjna-java libjna-jni) &&
    _tc_as_root env DEBIAN_FRONTEND=noninteractive dpkg -i "$tmp"/libjna-jni_*.deb "$tmp"/libjna-java_*.deb
  } >"$tmp/log" 2>&1 || rc=$?
  if [[ $rc -ne 0 ]]; then tail -n 15 "$tmp/log" >&2; fi
  rm -rf "$tmp"
  version=$(_tc_jna_version)
  if [[ $rc -ne 0 ]] || ! dpkg --compare-versions "${version:-0}" ge "$_TC_JNA_MIN"; then
    _tc_err "could not install JNA >= $_TC_JNA_MIN (have ${version:-none})"
    return 1
  fi
}

# --- Kotlin -------------------------------------------------------------------------

_tc_has_kotlin_jars() {
  local jar
  for jar in $_TC_KOTLIN_JARS; do
    [[ -f $1/$jar ]] || return 1
  done
}

# Uses a kotlinc found on PATH if it reports version 2.x or newer and ships the jars
# we need next to it (Debian's own `kotlin` package is 1.3 and must be skipped).
_tc_use_native_kotlinc() {
  local kotlinc out home version re='kotlinc-jvm (([0-9]+)\.[0-9]+(\.[0-9]+)?)'
  kotlinc=$(command -v kotlinc 2>/dev/null) || return 1
  out=$("$kotlinc" -version 2>&1) || return 1
  if ! [[ $out =~ $re ]]; then
    _tc_log "kotlin: cannot read the version of $kotlinc; not using it"
    return 1
  fi
  version=${BASH_REMATCH[1]}
  if [[ ${BASH_REMATCH[2]} -lt 2 ]]; then
    _tc_log "kotlin: $kotlinc is $version, need >= 2.0; not using it"
    return 1
  fi
  # Package managers link bin/kotlinc from elsewhere; the jars sit in <home>/lib.
  home=$(readlink -f "$kotlinc" 2>/dev/null) || home=$kotlinc
  home=$(cd "$(dirname "$home")/.." && pwd -P) || return 1
  if ! _tc_has_kotlin_jars "$home/lib"; then
    _tc_log "kotlin: $home/lib lacks some of: $_TC_KOTLIN_JARS; not using $kotlinc"
    return 1
  fi
  KOTLINC=$kotlinc
  KOTLIN_LIB=$home/lib
  _tc_log "kotlin: using native kotlinc $version at $home"
}

# Cheap proof that an unpacked distribution is usable.
_tc_check_kotlin_home() {
  _tc_has_kotlin_jars "$1/lib" || { _tc_err "kotlin: $1/lib lacks some of: $_TC_KOTLIN_JARS"; return 1; }
  _tc_log "kotlin: checking kotlinc -version"
  "$1/bin/kotlinc" -version >/dev/null 2>&1 || { _tc_err "kotlin: $1/bin/kotlinc -version failed"; return 1; }
}

# Downloads the npm package into DIR. It is unpacked in DIR.partial and renamed into
# place only once checked, so an interrupted download never looks finished.
_tc_fetch_kotlin() {
  local dir=$1 partial=$1.partial tgz
  command -v npm >/dev/null 2>&1 \
    || { _tc_err "kotlin: need npm to fetch kotlin-compiler (or put kotlinc >= 2.0 on PATH)"; return 1; }
  if ! { rm -rf "$partial" "$dir" && mkdir -p "$partial"; }; then
    _tc_err "kotlin: cannot prepare $partial"
    return 1
  fi

  _tc_log "kotlin: downloading kotlin-compiler@$TOOLCHAINS_KOTLIN_VERSION from npm"
  # npm pack fetches the tarball without installing anything globally.
  tgz=$(cd "$partial" && npm pack --silent "kotlin-compiler@$TOOLCHAINS_KOTLIN_VERSION") \
    || { _tc_err "kotlin: npm pack kotlin-compiler@$TOOLCHAINS_KOTLIN_VERSION failed"; return 1; }
  _tc_log "kotlin: unpacking $tgz"
  tar -xzf "$partial/$tgz" -C "$partial" || { _tc_err "kotlin: cannot unpack $tgz"; return 1; }
  # npm tarballs do not keep the executable bit.
  chmod +x "$partial"/package/bin/* || return 1
  _tc_check_kotlin_home "$partial/package" || return 1
  if ! { touch "$partial/package/.complete" && mv "$partial/package" "$dir"; }; then
    _tc_err "kotlin: cannot move the compiler into $dir"
    return 1
  fi
  rm -rf "$partial"
}

_tc_use_cached_kotlin() {
  local cache dir
  cache=$(_tc_cache_dir) || return 1
  dir=$cache/kotlin-compiler-$TOOLCHAINS_KOTLIN_VERSION
  if [[ -f $dir/.complete ]]; then
    _tc_log "kotlin: cached at $dir"
  else
    _tc_may_install "the Kotlin compiler $TOOLCHAINS_KOTLIN_VERSION" || return 1
    _tc_fetch_kotlin "$dir" || return 1
    _tc_log "kotlin: installed at $dir"
  fi
  KOTLINC=$dir/bin/kotlinc
  KOTLIN_LIB=$dir/lib
}

# Public: sets up kotlinc and the jars; exports KOTLINC KOTLIN_LIB JNA_JAR
# JUNIT_CONSOLE_JAR GSON_JAR. Preset *_JAR variables are respected (e.g. on a Mac).
toolchains_kotlin() {
  JNA_JAR=${JNA_JAR:-/usr/share/java/jna.jar}
  JUNIT_CONSOLE_JAR=${JUNIT_CONSOLE_JAR:-/usr/share/java/junit-platform-console-standalone.jar}
  GSON_JAR=${GSON_JAR:-/usr/share/java/gson.jar}
  _tc_ensure_debian_files "$JNA_JAR=libjna-java" "$JUNIT_CONSOLE_JAR=junit5" \
    "$GSON_JAR=libgoogle-gson-java" || return 1
  # Debian's own JNA only: a JNA_JAR given from elsewhere (a Mac) is taken as it is.
  if [[ $JNA_JAR == /usr/share/java/jna.jar ]]; then _tc_ensure_new_jna || return 1; fi
  local jar
  for jar in "$JNA_JAR" "$JUNIT_CONSOLE_JAR" "$GSON_JAR"; do
    [[ -f $jar ]] || { _tc_err "kotlin: $jar is still missing"; return 1; }
  done
  command -v java >/dev/null 2>&1 || { _tc_err "kotlin: no java on PATH (install a JDK 17+)"; return 1; }

  _tc_use_native_kotlinc || _tc_use_cached_kotlin || return 1
  export KOTLINC KOTLIN_LIB JNA_JAR JUNIT_CONSOLE_JAR GSON_JAR
}

# --- Swift: mounts --------------------------------------------------------------------

# Mount points at or below DIR, deepest first (children sort after their parent,
# so reverse order unmounts children first). findmnt escapes spaces as \x20.
_tc_mounts_under() {
  local target
  findmnt -rn -o TARGET | while IFS= read -r target; do
    target=$(printf '%b' "$target")
    if [[ $target == "$1" || $target == "$1"/* ]]; then printf '%s\n' "$target"; fi
  done | sort -r
}

# A lazy unmount is the last resort when a leftover process keeps a mount busy: it
# detaches the mount at once, which is what matters before anything walks the tree.
_tc_umount() {
  umount "$1" 2>/dev/null || umount -l "$1" || { _tc_err "cannot unmount $1"; return 1; }
}

# Removes whatever a killed run left mounted under DIR.
_tc_umount_under() {
  local target
  while IFS= read -r target; do
    _tc_log "swift: unmounting leftover $target"
    _tc_umount "$target" || return 1
  done < <(_tc_mounts_under "$1")
}

# rm -rf of a root with the checkout still bind-mounted in it would delete the
# checkout (--one-file-system does not help: a bind of the same disk has the same
# device), so unmount first and refuse if anything is still mounted.
_tc_remove_tree() {
  [[ -e $1 ]] || return 0
  _tc_umount_under "$1" || return 1
  if [[ -n $(_tc_mounts_under "$1") ]]; then
    _tc_err "refusing to delete $1: something is still mounted under it"
    return 1
  fi
  _tc_log "swift: removing incomplete $1"
  rm -rf "$1" || { _tc_err "cannot delete $1"; return 1; }
}

# Runs "$@" while holding an exclusive lock on FILE, so that two swift_exec calls (or
# a setup and a swift_exec) never mount and unmount under each other.
_tc_with_lock() (
  exec 9>"$1" || exit 1
  flock 9 || { _tc_err "cannot lock $1"; exit 1; }
  shift
  "$@"
)

# Runs CMD inside ROOT with working directory DIR, with /proc, /dev and the checkout
# mounted (swiftc dies with signal 4 without /proc and /dev). It runs in a subshell so
# its traps are its own: every mount it made is undone, in reverse order, however it
# ends. Returns CMD's status (or 1 if CMD succeeded but an unmount failed).
_tc_chroot_exec() (
  set +e                       # statuses are handled by hand here
  root=$1 dir=$2
  shift 2
  mounted=()

  # shellcheck disable=SC2329  # unmount_all and on_exit are called from the trap
  unmount_all() {
    local i ok=0
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
      _tc_umount "${mounted[i]}" || ok=1
    done
    mounted=()
    return "$ok"
  }
  # shellcheck disable=SC2329
  on_exit() {
    local rc=$1
    if ! unmount_all && [[ $rc -eq 0 ]]; then rc=1; fi
    exit "$rc"
  }
  # On Ctrl-C or TERM: unmount, then die of the same signal, so that the caller's
  # shell sees a signal death and stops too instead of carrying on.
  # shellcheck disable=SC2329
  on_signal() {
    trap - EXIT "$1"
    unmount_all
    kill -s "$1" "$BASHPID"
  }
  trap 'on_exit $?' EXIT
  trap 'on_signal INT' INT
  trap 'on_signal TERM' TERM

  mount_at() {                 # mount_at TARGET MOUNT-ARGS...
    local target=$1
    shift
    # We hold the lock, so a mount already here is a leftover of a killed run.
    if mountpoint -q "$target"; then _tc_umount_under "$target" || return 1; fi
    mount "$@" "$target" || { _tc_err "mount $* $target failed"; return 1; }
    mounted+=("$target")
  }

  mkdir -p "$root/proc" "$root/dev" "$root$_TC_TOP" || exit 1
  mount_at "$root/proc" -t proc proc || exit 1
  mount_at "$root/dev" --bind /dev || exit 1
  # Same absolute path inside and out, so paths in build output and flags just work.
  mount_at "$root$_TC_TOP" --bind "$_TC_TOP" || exit 1

  # A clean environment: host variables (PATH, LD_LIBRARY_PATH...) mean nothing in the
  # root. Pass extra variables through the command: swift_exec DIR env FOO=1 swift test.
  # fd 9 (the lock) is closed so that nothing the command leaves running keeps it.
  # shellcheck disable=SC2016  # $1 and $@ belong to the inner sh
  chroot "$root" /usr/bin/env -i \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/libexec/swift/bin \
    HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
    LD_LIBRARY_PATH="$_TC_SWIFT_RUNTIME${SWIFT_EXTRA_LD_PATH:+:$SWIFT_EXTRA_LD_PATH}" \
    /bin/sh -c 'cd "$1" || exit 1; shift; exec "$@"' swift_exec "$dir" "$@" 9>&-
  exit $?
)

# --- Swift: the trixie root -------------------------------------------------------

# Builds the root in BASE/root.partial and renames it to BASE/root only after
# `swift --version` works inside, so an interrupted run never leaves a half root that
# looks complete. Runs in a subshell to hold the setup lock in its own fd.
_tc_build_swift_root() (
  base=$1
  root=$1/root partial=$1/root.partial log=$1/debootstrap.log
  exec 9>"$base/lock" || exit 1
  flock 9 || { _tc_err "cannot lock $base/lock"; exit 1; }
  if [[ -f $root/$_TC_SWIFT_MARKER ]]; then exit 0; fi   # another process just made it
  _tc_remove_tree "$partial" || exit 1
  _tc_remove_tree "$root" || exit 1

  _tc_log "swift: debootstrap $TOOLCHAINS_SWIFT_SUITE + swiftlang into $partial (~450 MB download, ~3 GB; log: $log)"
  if ! debootstrap --variant=minbase --include=swiftlang,libc6-dev \
      "$TOOLCHAINS_SWIFT_SUITE" "$partial" "$TOOLCHAINS_DEBIAN_MIRROR" >"$log" 2>&1 9>&-; then
    tail -n 20 "$log" >&2
    _tc_err "swift: debootstrap failed (full log: $log)"
    _tc_remove_tree "$partial"
    exit 1
  fi
  # Nothing inside needs the network; a fixed file keeps the host's DNS setup out of
  # the cache and means we never have to bind-mount the host's resolv.conf.
  rm -f "$partial/etc/resolv.conf" || exit 1
  printf '# offline-push Swift root: no network is used inside\n' >"$partial/etc/resolv.conf" || exit 1

  _tc_log "swift: checking swift --version inside the new root"
  if ! version=$(_tc_chroot_exec "$partial" / swift --version 2>&1); then
    printf '%s\n' "$version" >&2
    _tc_err "swift: swift --version fails inside the new root"
    _tc_remove_tree "$partial"
    exit 1
  fi
  version=$(printf '%s\n' "$version" | grep -m1 'Swift version') || version="unknown version"
  case $version in
    *"Swift version $TOOLCHAINS_SWIFT_VERSION"*) ;;
    *) _tc_log "swift: note: $TOOLCHAINS_SWIFT_SUITE now ships '$version', not $TOOLCHAINS_SWIFT_VERSION" ;;
  esac
  if ! { printf '%s\n' "$version" >"$partial/$_TC_SWIFT_MARKER" && mv "$partial" "$root"; }; then
    _tc_err "swift: cannot move $partial to $root"
    exit 1
  fi
  _tc_log "swift: $version ready at $root"
)

_tc_native_swift_works() {
  command -v swift >/dev/null 2>&1 && swift --version >/dev/null 2>&1
}

# Public: finds a native swift, or makes (once) and uses the trixie root. Exports
# SWIFT_ROOT: the root's path, or empty when swift runs natively.
toolchains_swift() {
  local cache base tool
  if _tc_native_swift_works; then
    _tc_log "swift: using native $(command -v swift)"
    _TC_SWIFT_MODE=native
    SWIFT_ROOT=""
    export SWIFT_ROOT
    return 0
  fi
  if [[ $(uname -s) != Linux ]]; then
    _tc_err "swift: no working swift on PATH (install Xcode or a Swift toolchain)"
    return 1
  fi
  for tool in mount umount chroot flock findmnt mountpoint; do
    command -v "$tool" >/dev/null 2>&1 || { _tc_err "swift: $tool is missing"; return 1; }
  done
  if [[ $(id -u) -ne 0 ]]; then
    _tc_err "swift: the trixie root needs root (mount, chroot); run as root or install swift natively"
    return 1
  fi

  cache=$(_tc_cache_dir) || return 1
  base=$cache/swift-$TOOLCHAINS_SWIFT_SUITE-$TOOLCHAINS_SWIFT_VERSION
  if [[ -f $base/root/$_TC_SWIFT_MARKER ]]; then
    _tc_log "swift: cached at $base/root ($(head -n1 "$base/root/$_TC_SWIFT_MARKER"))"
  else
    _tc_may_install "the Swift root ($base/root)" || return 1
    _tc_ensure_debian_files /usr/sbin/debootstrap=debootstrap || return 1
    mkdir -p "$base" || { _tc_err "swift: cannot create $base"; return 1; }
    _tc_build_swift_root "$base" || return 1
  fi
  _TC_SWIFT_MODE=chroot
  SWIFT_ROOT=$base/root
  export SWIFT_ROOT
}

# Public: swift_exec DIR CMD... runs CMD with working directory DIR (a path inside the
# checkout) using the Swift toolchain, and returns CMD's exit status. In the trixie
# root, LD_LIBRARY_PATH is the Swift runtime plus $SWIFT_EXTRA_LD_PATH (colon list,
# e.g. the folder of the Rust library; it must lie inside the checkout to be visible).
# Calls into the root take turns (a lock), so run them one after another anyway.
swift_exec() {
  local dir
  if [[ $# -lt 2 ]]; then _tc_err "usage: swift_exec DIR CMD..."; return 2; fi
  if [[ -z ${_TC_SWIFT_MODE:-} ]]; then toolchains_swift || return 1; fi
  dir=$(cd "$1" 2>/dev/null && pwd -P) || { _tc_err "swift_exec: no such directory: $1"; return 1; }
  shift

  if [[ $_TC_SWIFT_MODE == native ]]; then
    (cd "$dir" && exec "$@")
    return
  fi
  case $dir in
    "$_TC_TOP" | "$_TC_TOP"/*) ;;
    *) _tc_err "swift_exec: $dir is outside the checkout $_TC_TOP, so the Swift root cannot see it"
       return 1 ;;
  esac
  _tc_with_lock "$(dirname "$SWIFT_ROOT")/lock" _tc_chroot_exec "$SWIFT_ROOT" "$dir" "$@"
}

# Public: unmounts anything a killed swift_exec left in the Swift root (manual repair;
# swift_exec also does this by itself before mounting).
toolchains_swift_umount() {
  local cache base
  cache=$(_tc_cache_dir) || return 1
  base=$cache/swift-$TOOLCHAINS_SWIFT_SUITE-$TOOLCHAINS_SWIFT_VERSION
  [[ -d $base ]] || return 0
  _tc_with_lock "$base/lock" _tc_umount_under "$base"
}

# --- direct use -----------------------------------------------------------------------

_tc_print_exports() {
  local name
  for name in "$@"; do printf 'export %s=%q\n' "$name" "${!name}"; done
}

_tc_main() {
  set -euo pipefail
  case ${1:-} in
    kotlin)
      toolchains_kotlin
      _tc_print_exports KOTLINC KOTLIN_LIB JNA_JAR JUNIT_CONSOLE_JAR GSON_JAR ;;
    kotlin-env)
      # NAME=value lines, read by the xtask (xtask/src/toolchains.rs).
      toolchains_kotlin
      for name in KOTLINC KOTLIN_LIB JNA_JAR JUNIT_CONSOLE_JAR GSON_JAR; do printf '%s=%s\n' "$name" "${!name}"; done ;;
    swift)
      toolchains_swift
      _tc_print_exports SWIFT_ROOT ;;
    all)
      toolchains_kotlin
      toolchains_swift
      _tc_print_exports KOTLINC KOTLIN_LIB JNA_JAR JUNIT_CONSOLE_JAR GSON_JAR SWIFT_ROOT ;;
    android-env)
      toolchains_android
      for name in AAPT2 FRAMEWORK_RES; do printf '%s=%s\n' "$name" "${!name}"; done ;;
    swift-exec)
      shift
      [[ $# -ge 1 ]] || { _tc_err "usage: $0 swift-exec CMD..."; return 2; }
      swift_exec "$PWD" "$@" ;;
    swift-umount)
      toolchains_swift_umount ;;
    *)
      _tc_err "usage: $0 kotlin|kotlin-env|android-env|swift|all|swift-exec CMD...|swift-umount"
      return 2 ;;
  esac
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  _tc_main "$@"
fi

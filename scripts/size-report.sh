#!/usr/bin/env bash
# scripts/size-report.sh LIB: what each part of the release library weighs.
#
# Prints the stripped size, the size of each section that stays after `strip`
# (code, read-only data, unwinding tables, ...), and the code and data symbols
# of the unstripped library summed by where they come from: each Rust crate (by
# the first path of the demangled name, or of the type in `<T as Trait>`), and
# the C code (SQLite, compiled in). Inlining moves code into its callers, so a
# crate's figure is what stayed under its own names; the sections add up exactly.
set -euo pipefail

lib=${1:?usage: scripts/size-report.sh path/to/liboffline_push.so}
[[ -f $lib ]] || { echo "size-report: no library at $lib" >&2; exit 1; }
stripped=$(mktemp)
trap 'rm -f "$stripped"' EXIT
strip -o "$stripped" "$lib"

mib() { awk -v b="$1" 'BEGIN { printf "%.2f MiB", b / 1048576 }'; }

echo "size: $(basename "$lib"): $(mib "$(stat -c %s "$lib")"), stripped $(mib "$(stat -c %s "$stripped")") ($(stat -c %s "$stripped") bytes)"

# The sections of the stripped file that take space in it, largest first.
size -A -d "$stripped" | awk '$1 ~ /^\./ && $2 > 0 { print $2, $1 }' | sort -rn | awk '
  { size[NR] = $1; name[NR] = $2; total += $1 }
  END {
    for (i = 1; i <= NR && i <= 8; i++)
      printf "size: section %-20s %8.1f KiB  %4.1f%%\n", name[i], size[i] / 1024, 100 * size[i] / total
  }'

# Symbols by origin (code and read-only data), from the unstripped file.
nm -S -t d --size-sort -C "$lib" 2>/dev/null | awk '
  NF >= 4 && $3 ~ /^[tTrRdD]$/ {
    size = $2 + 0
    name = $4
    for (i = 5; i <= NF; i++) name = name " " $i
    if (name ~ /::/) {
      n = name
      sub(/^(<|&|\*const |\*mut |_<)+/, "", n)
      sub(/^(dyn |impl )/, "", n)
      sub(/::.*/, "", n)
      sub(/[<> ].*/, "", n)
      crate = n
    } else {
      crate = "C (SQLite, compiled in)"
    }
    if (crate ~ /^(std|core|alloc|panic_unwind|gimli|addr2line|miniz_oxide|object|rustc_demangle|hashbrown|std_detect|memchr)$/) crate = "std (" crate ")"
    by[crate] += size
    total += size
  }
  END {
    for (c in by) printf "%d\t%s\n", by[c], c
    printf "%d\t%s\n", total, "TOTAL"
  }' | sort -rn | awk -F'\t' '
  $2 == "TOTAL" { total = $1; next }
  { size[++n] = $1; name[n] = $2 }
  END {
    printf "size: symbols, %.1f KiB in all, by origin (largest 16):\n", total / 1024
    for (i = 1; i <= n && i <= 16; i++) printf "size:   %-34s %8.1f KiB  %4.1f%%\n", name[i], size[i] / 1024, 100 * size[i] / total
  }'

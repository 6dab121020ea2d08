#!/usr/bin/env bash
# The CPU time of a sign-off of an item last changed N commits ago, two builds alternating.
# Usage: W=<world kept by `READINESS_BENCH_KEEP=1 readiness-bench ancestry --sizes N,… --rounds 7`>
#        BEFORE=<readiness binary> AFTER=<readiness binary> docs/ancestry-signoff-cost.sh ROUNDS N...
# For each kept ledger ancestry-N it makes one copy per build at the generated head (main~7,
# before the bench's own sign-offs) and lets that build verify it once; then, ROUNDS times, it
# puts each copy's branch and derived files back and times `uncheck` of the first generated
# item (last changed N+6 commits ago) with `perf stat -e task-clock`. Prints medians in ms.
# With CALLGRIND=1 it instead counts one such sign-off's instructions per build (valgrind).
set -u
rounds=$1; shift
export HOME=$W GIT_CONFIG_GLOBAL=$W/.gitconfig GIT_CONFIG_NOSYSTEM=1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
declare -A bins=([before]=$BEFORE [after]=$AFTER)
for n in "$@"; do
  for b in before after; do
    l=$scratch/$n-$b; cp -a "$W/ancestry-$n.git" "$l"
    gen=$(git --git-dir "$l" rev-parse main~7); git --git-dir "$l" update-ref refs/heads/main "$gen"; rm -rf "$l/readiness"
    "${bins[$b]}" status --ledger "$l" >/dev/null; cp -a "$l/readiness" "$l.saved"
  done
  item=$(git --git-dir "$l" log --reverse --format='%(trailers:key=Readiness-Item,valueonly)' main | grep -v '^$' | head -1)
  if [ "${CALLGRIND:-0}" = 1 ]; then
    for b in before after; do
      l=$scratch/$n-$b
      echo "N=$n $b: $(valgrind --tool=callgrind --callgrind-out-file="$scratch/callgrind.out" "${bins[$b]}" uncheck "$item" --reason m --ledger "$l" 2>&1 >/dev/null | grep -o 'refs: *[0-9,]*' | tr -d ' refs:') instructions"
    done
    continue
  fi
  for _ in $(seq "$rounds"); do
    for b in before after; do
      l=$scratch/$n-$b; git --git-dir "$l" update-ref refs/heads/main "$gen"; rm -rf "$l/readiness"; cp -a "$l.saved" "$l/readiness"
      perf stat -x, -e task-clock -- "${bins[$b]}" uncheck "$item" --reason m --ledger "$l" 2>&1 >/dev/null | awk -F, -v b=$b '{print b, $1}'
    done
  done > "$scratch/$n.txt"
  for b in before after; do
    echo "N=$n $b: median $(grep "^$b " "$scratch/$n.txt" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)], "ms (min", a[1] ", max", a[NR] ", n=" NR ")"}')"
  done
done

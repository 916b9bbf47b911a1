#!/usr/bin/env bash
# Builds the libFuzzer harness (Fuzz/, -sanitize=fuzzer,address, scratch path .build-fuzz) and runs
# every target, or one, two at a time, then prints a table: target, executions, exec/s, coverage,
# corpus, slowest input, result. Used by `make fuzz` and by the CI smoke (`make fuzz-smoke`).
#
#   Scripts/fuzz.sh [--seconds N] [--target NAME] [--smoke] [--jobs J] [--no-build]
#
# Each target gets two runs sharing one corpus: a default-size run (2/3 of N seconds, libFuzzer's own
# -max_len) and a large run (the rest, -max_len=1 MiB with -len_control=0), since quadratic paths only
# show on large inputs. Any crash, leak, timeout (> 5 s per input) or out-of-memory (> 2 GiB) makes
# the script exit 1 and leaves the reproducer under .fuzz/artifacts/<target>/ (replay one with
# `FUZZ_TARGET=<target> .build-fuzz/release/FuzzTargets <file>`); a build failure exits 2.
# Corpora persist under .fuzz/corpus/<target>/ between runs (the smoke starts from the seeds only).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seconds=${FUZZ_SECONDS:-60}
only=${FUZZ_TARGET:-}
smoke=0
jobs=2
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
    --target) only=${2:?--target needs a name}; shift 2 ;;
    --smoke) smoke=1; shift ;;
    --jobs) jobs=${2:?--jobs needs a number}; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "fuzz: error: unknown argument $1 (usage: Scripts/fuzz.sh [--seconds N] [--target NAME] [--smoke] [--jobs J] [--no-build])" >&2; exit 2 ;;
  esac
done
if [ "$smoke" = 1 ] && [ -z "${FUZZ_SECONDS:-}" ]; then seconds=6; fi
case "$seconds" in ''|*[!0-9]*) echo "fuzz: error: --seconds must be a whole number, not \"$seconds\"" >&2; exit 2 ;; esac
case "$jobs" in ''|*[!0-9]*|0) echo "fuzz: error: --jobs must be a positive number, not \"$jobs\"" >&2; exit 2 ;; esac
if [ "$seconds" -lt 3 ]; then echo "fuzz: error: --seconds must be at least 3 (two runs per target)" >&2; exit 2; fi

scratch=.build-fuzz
if [ "$build" = 1 ]; then
  echo "fuzz: building the harness (release, -sanitize=fuzzer,address, scratch path $scratch)"
  start=$(date +%s)
  if ! swift build -c release --package-path Fuzz --scratch-path "$scratch" --product FuzzTargets \
      -Xswiftc -sanitize=fuzzer,address; then
    echo "fuzz: error: the harness does not build" >&2
    exit 2
  fi
  echo "fuzz: built in $(( $(date +%s) - start )) s"
fi
bin="$root/$scratch/release/FuzzTargets"
[ -x "$bin" ] || { echo "fuzz: error: $bin is missing (run without --no-build)" >&2; exit 2; }

export SWIFT_BACKTRACE=enable=no   # Swift's crash reporter would take the signal and can hang for minutes
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:handle_abort=1"
export LSAN_OPTIONS="suppressions=$root/Scripts/lsan.supp:print_suppressions=0"

work=.fuzz
if [ "$smoke" = 1 ]; then corpora="$work/smoke-corpus"; rm -rf "$corpora"; else corpora="$work/corpus"; fi
mkdir -p "$work/seeds" "$work/logs" "$work/results" "$corpora" "$work/artifacts"

targets=$("$bin" --list) || { echo "fuzz: error: $bin --list failed" >&2; exit 2; }
if [ -n "$only" ]; then
  targets=$(printf '%s\n' "$targets" | awk -F'\t' -v t="$only" '$1 == t')
  if [ -z "$targets" ]; then
    echo "fuzz: error: no target named \"$only\"; targets: $("$bin" --list | cut -f1 | tr '\n' ' ')" >&2
    exit 2
  fi
fi

# Seeds: the repository files the table names (files up to 1 MiB, no licences or READMEs), the
# target's generated seeds and any committed Fuzz/seeds/<target>/.
prepare_seeds() {
  local name=$1 paths=$2 dir="$work/seeds/$1"
  rm -rf "$dir"; mkdir -p "$dir"
  local p f i=0
  for p in $paths; do
    [ -e "$p" ] || { echo "fuzz: error: seed path $p of $name does not exist" >&2; return 1; }
    while IFS= read -r f; do
      case "$(basename "$f")" in LICENSE*|README*|*.yaml|*.md) continue ;; esac
      [ "$(stat -c %s "$f")" -le 1048576 ] || continue
      cp "$f" "$dir/file-$i-$(basename "$f")"; i=$((i + 1))
    done < <(find "$p" -type f | sort)
  done
  "$bin" --write-seeds "$name" "$dir" || return 1
  if [ -d "Fuzz/seeds/$name" ]; then cp Fuzz/seeds/"$name"/* "$dir"/ 2>/dev/null || true; fi
}

# One libFuzzer run; prints "execs cov ft corpus slowest rc".
run_phase() {
  local name=$1 dict=$2 secs=$3 phase=$4; shift 4
  local log="$work/logs/$name.$phase.log" art="$work/artifacts/$name/"
  mkdir -p "$art" "$corpora/$name"
  local dictarg=()
  [ "$dict" != "-" ] && dictarg=(-dict="Fuzz/dict/$dict.dict")
  FUZZ_TARGET="$name" "$bin" "$corpora/$name" "$work/seeds/$name" "${dictarg[@]}" "$@" \
    -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 -malloc_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$art" >"$log" 2>&1
  local rc=$?
  local execs slowest last cov ft corpus
  execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -1)
  slowest=$(sed -nE 's/^stat::slowest_unit_time_sec: *([0-9.]+).*/\1/p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last"); ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  corpus=$(sed -nE 's/.* corp: ([0-9]+)\/.*/\1/p' <<<"$last")
  echo "${execs:-0} ${cov:-0} ${ft:-0} ${corpus:-0} ${slowest:-0} $rc"
}

run_target() {
  local name=$1 dict=$2 paths=$3
  local result="$work/results/$name"
  if ! prepare_seeds "$name" "$paths" >"$work/logs/$name.seeds.log" 2>&1; then
    echo "$name 0 0 0 0 0 seeds-failed(see $work/logs/$name.seeds.log)" >"$result"; return
  fi
  local large=$(( seconds / 3 )); local normal=$(( seconds - large ))
  local a b
  a=$(run_phase "$name" "$dict" "$normal" default)
  b=$(run_phase "$name" "$dict" "$large" large -max_len=1048576 -len_control=0)
  read -r e1 c1 f1 n1 s1 r1 <<<"$a"; read -r e2 c2 f2 n2 s2 r2 <<<"$b"
  local status=ok
  local found
  found=$(find "$work/artifacts/$name" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) -newer "$work/results/.start" | wc -l)
  if [ "$r1" != 0 ] || [ "$r2" != 0 ] || [ "$found" != 0 ]; then status="FAILED(rc=$r1/$r2,artifacts=$found)"; fi
  local cov=$c2 ft=$f2 corpus=$n2; [ "$c2" = 0 ] && { cov=$c1; ft=$f1; corpus=$n1; }
  local slowest; slowest=$(awk -v x="$s1" -v y="$s2" 'BEGIN { print (x > y ? x : y) }')
  echo "$name $((e1 + e2)) $cov $ft $corpus $slowest $status" >"$result"
}

rm -f "$work/results"/*; touch "$work/results/.start"
count=$(printf '%s\n' "$targets" | wc -l)
echo "fuzz: $count target(s), $seconds s each ($jobs at a time), corpora in $corpora/, reproducers in $work/artifacts/<target>/"
start=$(date +%s)
running=0
while IFS=$'\t' read -r name dict paths; do
  [ -n "$name" ] || continue
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
  run_target "$name" "$dict" "$paths" &
  running=$((running + 1))
done <<<"$targets"
wait
elapsed=$(( $(date +%s) - start ))

failed=0
printf '\n%-22s %12s %9s %6s %7s %7s %9s  %s\n' target executions exec/s cov ft corpus slowest result
while IFS=$'\t' read -r name _ _; do
  [ -n "$name" ] || continue
  if [ ! -f "$work/results/$name" ]; then printf '%-22s %s\n' "$name" "no result"; failed=1; continue; fi
  read -r _ execs cov ft corpus slowest status <"$work/results/$name"
  printf '%-22s %12s %9s %6s %7s %7s %8ss  %s\n' "$name" "$execs" "$(( execs / seconds ))" "$cov" "$ft" "$corpus" "$slowest" "$status"
  if [ "$status" != ok ]; then
    failed=1
    echo "    log: $work/logs/$name.default.log $work/logs/$name.large.log"
    find "$work/artifacts/$name" -maxdepth 1 -type f -newer "$work/results/.start" | sed 's/^/    reproducer: /'
  fi
done <<<"$targets"
echo
if [ "$failed" != 0 ]; then
  echo "fuzz: FAILED after $elapsed s: see the logs and reproducers above; turn each reproducer into a regression test" >&2
  exit 1
fi
echo "fuzz: all $count target(s) ran $seconds s with no crash, leak, timeout or out-of-memory ($elapsed s)"

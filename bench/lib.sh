# Helpers for bench/run (sourced). Results go to the arrays RPS/P50/P99/RSS, keyed by a short
# name, and to ROWS (markdown table rows, in measuring order).

declare -gA RPS=() P50=() P99=() RSS=()
declare -ga ROWS=()
# Extra wrk options for a key measured by measure_set (e.g. "-s bench/revalidate.lua").
declare -gA WRK_OPTS=()

# The load average over 1, 5 and 15 minutes.
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# wrk's latency ("850.00us", "1.23ms", "1.05s", "2.00m") in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.2f", n
  }'
}

# Resident set size of the server, in MB.
server_rss_mb() {
  awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$server/status"
}

# Peak resident set size of the server, in MB.
server_peak_mb() {
  awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$server/status"
}

add_row() { # key label rps p50 p99 [note]
  RPS[$1]=$3 P50[$1]=$4 P99[$1]=$5 RSS[$1]=$(server_rss_mb)
  ROWS+=("| $2 | $3 | $4 | $5 | ${RSS[$1]} | ${6:-} |")
  printf '  %-34s %8s req/s  p50 %8s ms  p99 %8s ms  RSS %4s MB  %s\n' "$1" "$3" "$4" "$5" "${RSS[$1]}" "${6:-}"
}

# run_wrk PATH [wrk options]: checks a GET answers 2xx, warms up for 1 s (unless warmup=0), runs wrk for
# $duration seconds (2 threads, $connections connections unless the options say otherwise) and
# prints "rps p50_ms p99_ms notes".
run_wrk() {
  local path=$1
  shift
  local url="$base$path"
  if [ "$#" -eq 0 ]; then
    curl -fsS -o /dev/null "$url" || { echo "GET $path does not answer 2xx" >&2; return 1; }
  fi
  if [ "${warmup:-1}" = 1 ]; then wrk -t2 -c"$connections" -d1s "$@" "$url" >/dev/null; fi
  parse_wrk "$(wrk -t2 -c"$connections" -d"${duration}s" --latency "$@" "$url")"
}

# parse_wrk WRK_OUTPUT: "rps p50_ms p99_ms notes" from wrk's --latency report.
parse_wrk() {
  local out=$1 rps p50 p99 errors not304 note=""
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  errors=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
  [ -n "$errors" ] && note="$errors non-2xx responses!"
  # bench/revalidate.lua counts the answers that were not 304.
  not304=$(awk '/^Not 304:/ { print $3 }' <<<"$out")
  if [ -n "$not304" ] && [ "$not304" != 0 ]; then note="$note $not304 answers not 304!"; fi
  if grep -q "Socket errors" <<<"$out"; then note="$note $(grep 'Socket errors' <<<"$out" | sed 's/^ *//')"; fi
  echo "$rps $p50 $p99 $note"
}

# measure KEY LABEL PATH [wrk options]: one wrk run, one table row.
measure() {
  local key=$1 label=$2 out rps p50 p99 note
  shift 2
  out=$(run_wrk "$@") || exit 1
  read -r rps p50 p99 note <<<"$out"
  add_row "$key" "$label" "$rps" "$p50" "$p99" "$note"
}

# measure_pair KEY_A LABEL_A PATH_A KEY_B LABEL_B PATH_B: two pages to compare (measure_set).
measure_pair() {
  measure_set "$@"
}

# measure_set KEY LABEL PATH [KEY LABEL PATH ...]: pages to compare, run in turn ($pair_rounds
# rounds of $pair_duration s each, the order reversed every other round: A B C C B A A B C ...) so
# drift in the machine's load hits all alike. Other processes only ever add latency, so each row
# keeps its run with the lowest p50 and notes every p50. WRK_OPTS[KEY] adds wrk options.
measure_set() {
  local -a keys=() labels=() paths=() results=() warm=() opts=()
  while [ "$#" -ge 3 ]; do
    keys+=("$1") labels+=("$2") paths+=("$3") results+=("") warm+=(1)
    shift 3
  done
  local n=${#keys[@]} r i out rps p50 p99 note best
  for r in $(seq 1 "$pair_rounds"); do
    for i in $( ((r % 2)) && seq 0 $((n - 1)) || seq $((n - 1)) -1 0); do
      opts=()
      [ -n "${WRK_OPTS[${keys[$i]}]:-}" ] && read -ra opts <<<"${WRK_OPTS[${keys[$i]}]}"
      out=$(warmup=${warm[$i]} duration=$pair_duration run_wrk "${paths[$i]}" "${opts[@]}") || exit 1
      warm[$i]=0
      read -r rps p50 p99 note <<<"$out"
      printf '    (%s: p50 %s ms, p99 %s ms, %s req/s%s)\n' "${keys[$i]}" "$p50" "$p99" "$rps" "${note:+, $note}"
      results[$i]="${results[$i]}$rps $p50 $p99 $note"$'\n'
    done
  done
  for i in $(seq 0 $((n - 1))); do
    best=$(sed '/^$/d' <<<"${results[$i]}" | sort -n -k2,2 | head -n 1)
    read -r rps p50 p99 note <<<"$best"
    add_row "${keys[$i]}" "${labels[$i]}" "$rps" "$p50" "$p99" \
      "best of $pair_rounds × ${pair_duration} s, p50s $(sed '/^$/d' <<<"${results[$i]}" | awk '{ print $2 }' | paste -sd/) ms $note"
  done
}

# record KEY LABEL WRK_OUTPUT: a row from a wrk report run elsewhere.
record() {
  local rps p50 p99 note
  read -r rps p50 p99 note <<<"$(parse_wrk "$3")"
  add_row "$1" "$2" "$rps" "$p50" "$p99" "$note"
}

# check NAME VALUE LIMIT: a PASS/FAIL line for VALUE <= LIMIT.
FAILED=0
check() {
  if awk -v v="$2" -v l="$3" 'BEGIN { exit !(v <= l) }'; then
    echo "PASS $1"
  else
    echo "FAIL $1"
    FAILED=1
  fi
}

# check_min NAME VALUE LIMIT: a PASS/FAIL line for VALUE >= LIMIT.
check_min() {
  if awk -v v="$2" -v l="$3" 'BEGIN { exit !(v >= l) }'; then
    echo "PASS $1"
  else
    echo "FAIL $1"
    FAILED=1
  fi
}

# fail NAME REASON: a FAIL line for a target that could not be measured.
fail() {
  echo "FAIL $1: $2"
  FAILED=1
}

# check_ratio NAME KEY BASE_KEY LIMIT: PASS when RPS[KEY] >= LIMIT × RPS[BASE_KEY].
check_ratio() {
  local r
  r=$(ratio "${RPS[$2]}" "${RPS[$3]}")
  check_min "$1 ≥ ${4}x: ${RPS[$2]} vs ${RPS[$3]} req/s (${r}x)" "$r" "$4"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 999) }'; }

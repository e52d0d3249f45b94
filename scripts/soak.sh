#!/usr/bin/env bash
# Soak test of the dashboard against the embedded broker, run by hand (make test does not run it).
#
# Starts `spendtop broker`, runs the dashboard in a detached tmux session with --log-file and
# --stats-file, publishes synthetic traffic with two incidents through `spendtop emit`, takes the
# broker down for a few seconds halfway (SIGUSR1, then SIGUSR2), and samples the dashboard's
# resident memory every 10 s. At the end it quits the dashboard with `q` and compares the totals
# the dashboard wrote with the totals emit printed. Exits 1 when they differ.
#
# Settings (environment):
#   SPENDTOP         binary (default .build/release/spendtop; build it with `swift build -c release`)
#   SOAK_SECONDS     how long emit publishes (default 660)
#   SOAK_RATE        events per second (default 5000)
#   SOAK_OUTAGE_AT   seconds after the start of emit when the broker goes down (default 300)
#   SOAK_OUTAGE_FOR  seconds the broker stays down (default 5)
#   SOAK_DIR         output folder (default a new folder under /tmp)
#   SOAK_LIMITS      the dashboard's memory limits (default --max-window-events 1000000
#                    --max-event-ids 1000000, so the limits are reached after about 200 s and
#                    the memory curve shows its plateau within the run)
#
# The broker keeps about 5,500 messages per partition, so it runs with 12 partitions: about
# 13 s of traffic at 5,000 events/s. A consumer further behind than that loses messages, and
# the comparison fails.
#
# Output in SOAK_DIR: rss.csv (elapsed_s,dashboard_rss_kib,broker_rss_kib), emit.txt, stats.json,
# outage-screen.txt (the dashboard during the outage), final-screen.txt, dashboard.log,
# summary.txt.
set -euo pipefail

cd "$(dirname "$0")/.."
SPENDTOP=${SPENDTOP:-.build/release/spendtop}
SOAK_SECONDS=${SOAK_SECONDS:-660}
SOAK_RATE=${SOAK_RATE:-5000}
SOAK_OUTAGE_AT=${SOAK_OUTAGE_AT:-300}
SOAK_OUTAGE_FOR=${SOAK_OUTAGE_FOR:-5}
SOAK_DIR=${SOAK_DIR:-$(mktemp -d /tmp/spendtop-soak.XXXXXX)}
SOAK_LIMITS=${SOAK_LIMITS:---max-window-events 1000000 --max-event-ids 1000000 --max-all-time-combinations 200000}
mkdir -p "$SOAK_DIR"
SOCKET="spendtop-soak-$$"

if [ ! -x "$SPENDTOP" ]; then
    echo "soak: $SPENDTOP is missing; build it with 'swift build -c release' or set SPENDTOP." >&2
    exit 64
fi

broker_pid=""
emit_pid=""
cleanup() {
    tmux -L "$SOCKET" kill-server 2>/dev/null || true
    [ -n "$emit_pid" ] && kill "$emit_pid" 2>/dev/null || true
    [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT

rss_kib() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo ""
}

screen() {
    tmux -L "$SOCKET" capture-pane -t soak -p
}

# 1. The broker, with its address on the first line of stdout.
"$SPENDTOP" broker --partitions 12 > "$SOAK_DIR/broker.out" 2> "$SOAK_DIR/broker.err" &
broker_pid=$!
for _ in $(seq 50); do
    [ -s "$SOAK_DIR/broker.out" ] && break
    sleep 0.1
done
address=$(head -n 1 "$SOAK_DIR/broker.out")
echo "soak: broker $address (pid $broker_pid), output in $SOAK_DIR"

# 2. The dashboard in tmux; exec makes the pane's process the dashboard itself.
tmux -L "$SOCKET" new-session -d -s soak -x 200 -y 50 \
    "exec '$SPENDTOP' -b '$address' --from earliest --window 5m $SOAK_LIMITS --log-file '$SOAK_DIR/dashboard.log' --stats-file '$SOAK_DIR/stats.json'"
dashboard_pid=$(tmux -L "$SOCKET" list-panes -t soak -F '#{pane_pid}')
for _ in $(seq 100); do
    screen | grep -q "connected" && break
    sleep 0.1
done
echo "soak: dashboard pid $dashboard_pid"

# 3. Traffic: a steady rate with two incidents on top.
"$SPENDTOP" emit -b "$address" --rate "$SOAK_RATE" --duration "${SOAK_SECONDS}s" --seed 20260209 \
    --incident "org=district-7,model=claude-opus-4-1,x=20,after=120s,for=60s" \
    --incident "org=district-19,model=gpt-5.1,x=30,after=420s,for=90s" \
    > "$SOAK_DIR/emit.txt" 2> "$SOAK_DIR/emit.err" &
emit_pid=$!
started=$(date +%s)

# 4. Sample memory every 10 s; take the broker down once.
echo "elapsed_s,dashboard_rss_kib,broker_rss_kib" > "$SOAK_DIR/rss.csv"
outage_done=0
next_sample=0
while kill -0 "$emit_pid" 2>/dev/null; do
    elapsed=$(( $(date +%s) - started ))
    if [ "$elapsed" -ge "$next_sample" ]; then
        echo "$elapsed,$(rss_kib "$dashboard_pid"),$(rss_kib "$broker_pid")" >> "$SOAK_DIR/rss.csv"
        next_sample=$(( next_sample + 10 ))
    fi
    if [ "$outage_done" = 0 ] && [ "$elapsed" -ge "$SOAK_OUTAGE_AT" ]; then
        echo "soak: broker down at ${elapsed}s for ${SOAK_OUTAGE_FOR}s"
        kill -USR1 "$broker_pid"
        sleep $(( SOAK_OUTAGE_FOR > 3 ? 3 : SOAK_OUTAGE_FOR ))
        screen > "$SOAK_DIR/outage-screen.txt"
        sleep $(( SOAK_OUTAGE_FOR > 3 ? SOAK_OUTAGE_FOR - 3 : 0 ))
        kill -USR2 "$broker_pid"
        outage_done=1
    fi
    sleep 1
done
emit_status=0
wait "$emit_pid" || emit_status=$?
emit_pid=""
echo "soak: emit ended with status $emit_status: $(cat "$SOAK_DIR/emit.txt")"

# 5. Let the dashboard catch up (lag 0), then quit it so it writes the stats file.
for _ in $(seq 120); do
    screen | grep -q " lag 0 " && break
    sleep 1
done
sleep 2
screen > "$SOAK_DIR/final-screen.txt"
echo "$(( $(date +%s) - started )),$(rss_kib "$dashboard_pid"),$(rss_kib "$broker_pid")" >> "$SOAK_DIR/rss.csv"
tmux -L "$SOCKET" send-keys -t soak q
for _ in $(seq 100); do
    [ -s "$SOAK_DIR/stats.json" ] && break
    sleep 0.1
done

# 6. Compare the dashboard's totals with emit's.
read -r emitted_events emitted_spend emitted_hits < <(
    sed -E 's/^emitted ([0-9]+) events, spend_usd ([0-9.]+), cache_hits ([0-9]+)$/\1 \2 \3/' "$SOAK_DIR/emit.txt")
stats=$(cat "$SOAK_DIR/stats.json" 2>/dev/null || echo "{}")
field() {
    echo "$stats" | sed -nE "s/.*\"$1\": ([0-9.]+).*/\1/p"
}
seen_events=$(field events)
seen_spend=$(field spend_usd)
seen_hits=$(field cache_hits)

{
    echo "emit:      events $emitted_events, spend_usd $emitted_spend, cache_hits $emitted_hits"
    echo "dashboard: events $seen_events, spend_usd $seen_spend, cache_hits $seen_hits"
    echo "dashboard stats: $stats"
    awk -F, 'NR > 1 && $1 >= 60 { if (min == "" || $2 < min) min = $2; if ($2 > max) max = $2; last = $2; lastT = $1 }
             NR > 1 && $1 >= 60 && first == "" { first = $2; firstT = $1 }
             END { printf "dashboard RSS after 60 s: first %d KiB, min %d KiB, max %d KiB, last %d KiB, growth %.0f KiB/min\n",
                   first, min, max, last, (lastT > firstT ? (last - first) * 60 / (lastT - firstT) : 0) }' "$SOAK_DIR/rss.csv"
} | tee "$SOAK_DIR/summary.txt"

if [ "$emit_status" = 0 ] && [ "$emitted_events" = "$seen_events" ] && [ "$emitted_spend" = "$seen_spend" ] && [ "$emitted_hits" = "$seen_hits" ]; then
    echo "soak: PASS: the dashboard counted every emitted event once" | tee -a "$SOAK_DIR/summary.txt"
else
    echo "soak: FAIL: the totals differ" | tee -a "$SOAK_DIR/summary.txt"
    exit 1
fi

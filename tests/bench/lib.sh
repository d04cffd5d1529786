# tests/bench/lib.sh -- what every benchmark script does the same way (sourced, never run):
# a work directory removed at exit unless kept, and canvas-sim started on a free port and stopped.
# Each script used to carry its own copy of these dozen lines (apply.sh, plan.sh, plan-dates.sh,
# scale.sh, throttle.sh, run.sh); a fix to one (a sim that exits at start, a slow start under load)
# now reaches all of them.
#
#   bench_init NAME PREFIX KEEP   sets $dir (mktemp -d under $TMPDIR, PREFIX.XXXXXX), exports
#                                 XDG_STATE_HOME and XDG_CONFIG_HOME under it, and sets the traps:
#                                 at exit the simulator is stopped and $dir removed, unless KEEP is
#                                 1 (then its path is printed). NAME ("scale bench") starts every
#                                 message.
#   start_sim SEED [OPTION...]    canvas-sim --seed SEED --token $TOKEN --port 0 OPTION...; waits up
#                                 to 60 s for its "listening" line; sets $pid and $url; exits 1
#                                 with the simulator's stderr when it does not start.
#   stop_sim                      stops it (TERM, then waits); harmless when none runs.
#
# The caller sets BUILD and TOKEN before sourcing and `set -euo pipefail` itself.

bench_name=bench
bench_keep=0
dir=""
pid=""
url=""

stop_sim() {
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		pid=""
	fi
}

bench_cleanup() {
	stop_sim
	[ -n "$dir" ] || return 0
	if [ "$bench_keep" = 1 ]; then
		echo "$bench_name: files kept in $dir" >&2
	else
		rm -rf "$dir"
	fi
}

bench_init() {   # bench_init NAME PREFIX KEEP
	bench_name=$1
	bench_keep=$3
	dir=$(mktemp -d "${TMPDIR:-/tmp}/$2.XXXXXX")
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
	# coursectl's state and config in the work directory: every plan of a shift_dates recipe looks
	# at this machine's journals (the rerun guard, runner/rerun.c), every apply adds one and claims
	# its courses there (runner/courselock.c), and a profile could set --concurrency; a benchmark
	# must not depend on what ran on the machine before it (i18/throttle3 measured 0.26 s before the
	# first course after 28 earlier runs)
	export XDG_STATE_HOME="$dir/state" XDG_CONFIG_HOME="$dir/config"
}

start_sim() {   # start_sim SEED [OPTION...]: sets pid and url
	local seed=$1
	shift
	: >"$dir/sim.out"
	"$BUILD/canvas-sim" --seed "$seed" --token "$TOKEN" --port 0 "$@" >"$dir/sim.out" 2>"$dir/sim.err" &
	pid=$!
	url=""
	for _ in $(seq 1 1200); do
		url=$(sed -n 's/^canvas-sim listening on //p' "$dir/sim.out")
		[ -z "$url" ] || break
		kill -0 "$pid" 2>/dev/null || { echo "$bench_name: canvas-sim exited: $(cat "$dir/sim.err")" >&2; exit 1; }
		sleep 0.05
	done
	[ -n "$url" ] || { echo "$bench_name: canvas-sim did not start" >&2; exit 1; }
}

# tests/e2e/lib.sh -- helpers for end-to-end cases (sourced by runtests; bash, set -eu).
#
#   sim_start [--seed FILE] [canvas-sim options...]   start canvas-sim on a free port
#       default seed: tests/fixtures/small-seed.json; sets SIM_URL, SIM_PID; token $TOKEN
#       (with --https CERT KEY, SIM_URL is https://; curl the /__sim/ endpoints with --cacert CERT)
#   api METHOD PATH [curl args...]   request $SIM_URL/PATH with the token; sets STATUS, and
#       writes the body to $LOGDIR/body, the headers to $LOGDIR/headers
#   api_as TOKEN METHOD PATH [...]   the same with another token ("" = none)
#   jb FILTER                         jq -r FILTER on the last body
#   header NAME                       the last response's header value (case-insensitive)
#   state FILTER                      jq -r FILTER on GET /__sim/state
#   stats FILTER                      jq -r FILTER on GET /__sim/stats
#   sim_post PATH JSON                POST JSON to a /__sim/ endpoint
#   expect_eq WANT GOT WHAT           fail unless equal
#   expect_status CODE                fail unless the last STATUS is CODE
#   expect_match REGEX GOT WHAT       fail unless GOT matches the extended regex
#   fail MESSAGE                      print and exit 1
#   skip REASON                       print "skip: REASON" and exit 77: the harness counts the case
#       as skipped (only for a tool the machine lacks, never to hide a failure)
#   seed_with JQ_PROGRAM              write a seed made by jq from small-seed.json into $LOGDIR
#       and print its path, e.g. seed_with '.courses[0].assignments = [range(250) | {name: "A\(.)"}]'
# (state_snap and friends: see the end of this file.)
# The simulator is stopped by lib_cleanup (the harness traps EXIT).

TOKEN=${TOKEN:-test-token-1}
FIXTURES=$ROOT/tests/fixtures
SIM=$ROOT/$BUILD/canvas-sim
COURSECTL=$ROOT/$BUILD/coursectl
SIM_PID=""
STATUS=""

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "skip: $*"
	exit 77
}

# sim_stop: stop the simulator this case started, and fail on a sanitizer report in its stderr (a
# sanitizer build, make asan, reports leaks and UB there, often only at exit: such a report fails
# the case even when every response was right). sim_start calls it first, so a case that starts a
# second simulator never leaves the first one running.
sim_stop() {
	if [ -n "$SIM_PID" ]; then
		kill -TERM "$SIM_PID" 2>/dev/null || true
		wait "$SIM_PID" 2>/dev/null || true
		SIM_PID=""
	fi
	if [ -f "$LOGDIR/sim.err" ] &&
		grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$LOGDIR/sim.err"; then
		echo "FAIL: sanitizer report from canvas-sim:" >&2
		head -n 40 "$LOGDIR/sim.err" >&2
		exit 1
	fi
}

lib_cleanup() {
	sim_stop
}

sim_start() {
	local seed=$FIXTURES/small-seed.json line i
	if [ "${1:-}" = --seed ]; then
		seed=$2
		shift 2
	fi
	sim_stop
	: >"$LOGDIR/sim.out"
	"$SIM" --seed "$seed" --token "$TOKEN" "$@" >"$LOGDIR/sim.out" 2>"$LOGDIR/sim.err" &
	SIM_PID=$!
	for i in $(seq 1 100); do
		line=$(head -n 1 "$LOGDIR/sim.out" 2>/dev/null || true)
		case $line in
		"canvas-sim listening on http"*"://127.0.0.1:"*) break ;;
		esac
		kill -0 "$SIM_PID" 2>/dev/null || fail "canvas-sim exited: $(cat "$LOGDIR/sim.err")"
		sleep 0.05
	done
	SIM_URL=${line#canvas-sim listening on }
	case $SIM_URL in http://127.0.0.1:[0-9]* | https://127.0.0.1:[0-9]*) ;; *) fail "canvas-sim did not start: $(cat "$LOGDIR/sim.err")" ;; esac
	export SIM_URL SIM_PID
}

api_as() {
	local tok=$1 method=$2 path=$3
	shift 3
	local auth=()
	[ -z "$tok" ] || auth=(-H "Authorization: Bearer $tok")
	STATUS=$(curl -s -o "$LOGDIR/body" -D "$LOGDIR/headers" -w '%{http_code}' -X "$method" \
		"${auth[@]}" "$@" "$SIM_URL$path") || STATUS=000
	echo "$method $path -> $STATUS" >>"$LOGDIR/requests.log"
}

api() {
	api_as "$TOKEN" "$@"
}

jb() {
	jq -r "$1" "$LOGDIR/body"
}

header() {
	grep -i "^$1:" "$LOGDIR/headers" | head -n 1 | sed 's/^[^:]*: *//' | tr -d '\r'
}

state() {
	curl -s "$SIM_URL/__sim/state" | jq -r "$1"
}

stats() {
	curl -s "$SIM_URL/__sim/stats" | jq -r "$1"
}

sim_post() {
	curl -s -X POST -H 'Content-Type: application/json' --data-binary "$2" "$SIM_URL$1" >/dev/null
}

# cc ARGS...: coursectl against this case's canvas-sim, with the test token ($APPLY_TOKEN when a
# case sets one). Files whose cases need another shape (t0830, t0850, t0860) define their own.
cc() {
	CANVAS_API_TOKEN=${APPLY_TOKEN:-$TOKEN} "$COURSECTL" "$@" --url "$SIM_URL"
}

# run OUT ARGS...: cc with stdout in $LOGDIR/OUT, stderr in $LOGDIR/OUT.err, no stdin; sets RC.
run() {
	local out=$1
	shift
	RC=0
	cc "$@" >"$LOGDIR/$out" 2>"$LOGDIR/$out.err" </dev/null || RC=$?
}

expect_eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: expected '$1', got '$2'"
}

expect_status() {
	[ "$STATUS" = "$1" ] || fail "expected HTTP $1, got $STATUS: $(head -c 400 "$LOGDIR/body")"
}

expect_match() {
	[[ $2 =~ $1 ]] || fail "${3:-value}: '$2' does not match /$1/"
}

# shift_seed N A P M [RECIPE]: a generated seed ($LOGDIR/seed.json: N courses of A assignments, P
# pages and M modules, tests/fixtures/gen-seed.sh) and a recipe moving their dates 140 days
# ($LOGDIR/RECIPE, recipe.yaml by default): the workload of the request and throttle tests
shift_seed() {
	bash "$FIXTURES/gen-seed.sh" --courses "$1" --assignments "$2" --pages "$3" --modules "$4" --token "$TOKEN" \
		>"$LOGDIR/seed.json"
	cat >"$LOGDIR/${5:-recipe.yaml}" <<EOF
version: 1
courses: $(jq -c '[.courses[].id]' "$LOGDIR/seed.json")
steps:
  - shift_dates: {days: 140}
EOF
}

# week_seed COURSES GEN-SEED-ARG...: a generated seed ($LOGDIR/seed.json, tests/fixtures/gen-seed.sh
# with those arguments) and $LOGDIR/recipe.yaml for the courses COURSES (a YAML list): their dates a
# week later and "Fall 2025" written "Spring 2026" in their pages (the window and signal tests)
week_seed() {
	local courses=$1
	shift
	bash "$FIXTURES/gen-seed.sh" "$@" >"$LOGDIR/seed.json"
	cat >"$LOGDIR/recipe.yaml" <<EOF
version: 1
courses: $courses
steps:
  - shift_dates: {days: 7}
  - replace_text:
      in: [pages]
      replace:
        - {pattern: 'Fall 2025', with: 'Spring 2026'}
EOF
}

seed_with() {
	local out=$LOGDIR/seed.$RANDOM.json
	jq "$1" "$FIXTURES/small-seed.json" >"$out"
	echo "$out"
}

# Comparing whole simulator states (the apply/rollback tests, t09xx):
#   SIM_NORM                         jq program dropping what Canvas writes on any save and an
#       undo cannot put back (updated_at, page revisions, ...; t0910-apply.sh says why for each)
#   state_snap FILE                  write the normalised GET /__sim/state to $LOGDIR/FILE
#   state_same WANT GOT WHAT         fail, showing the diff, unless the two snapshots are equal
SIM_NORM='del(.tokens) | walk(if type == "object" then del(.updated_at, .revisions, .last_edited_by, .posted_at,
	.all_day_date) | (if has("published") then del(.workflow_state) else . end) else . end)'

state_snap() {
	curl -s "$SIM_URL/__sim/state" | jq -S "$SIM_NORM" >"$LOGDIR/$1"
}

state_same() {
	if ! diff -u "$LOGDIR/$1" "$LOGDIR/$2" >"$LOGDIR/state.diff"; then
		head -n 60 "$LOGDIR/state.diff" >&2
		fail "$3: the state differs (- $1, + $2)"
	fi
}

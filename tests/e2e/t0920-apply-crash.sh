# tests/e2e/t0920-apply-crash.sh -- `coursectl apply` interrupted: kill -9, a revoked token, faults
# (issue 7, "Tests that must exist and pass": crash safety, token, faults, the journal).
#
# Workload: a seed from tests/fixtures/gen-seed.sh (2 courses x 75 assignments with overrides,
# 30 pages, 5 modules) and a recipe of shift_dates {days: 7} plus replace_text in pages and
# assignment descriptions: 476 changes to 262 objects, written as 2 bulk_updates (with Progress
# polling) and about 180 PUTs. canvas-sim runs with --latency-ms 30 so that, at the default
# concurrency of 8, a write phase lasts about a second and a kill -9 lands with requests in flight.
#
# States are compared as whole /__sim/state dumps normalised with lib.sh's SIM_NORM (what any save
# bumps and an undo cannot put back: updated_at, page revisions, ...; see t0910-apply.sh).
#
# Kill points are counted in writes the simulator has answered (GET /__sim/stats .writes, polled
# every few ms), spread from the first write to near the last, so they land early, in the middle
# and late in the run whatever the machine's speed. After a kill, requests already sent still run
# in the simulator: the test waits until its in_flight count is 0 before it looks or resumes, as a
# person resuming later would find Canvas, and until the simulator's background jobs are due: a
# bulk_update answered (or still in flight) at the kill has a queued job that lands later; a
# rollback run before it lands would see the `before` values (test_kill_with_a_queued_bulk_job_*
# checks that resume and rollback wait for it). Even points check `apply --resume` (ends in the
# uninterrupted state), odd ones `rollback` of the interrupted journal (ends in the seed state);
# 22 points, 11 each, on one simulator reset between points (POST /__sim/reset).

CR_LATENCY=30
CR_PROGRESS_MS=100   # --progress-delay-ms: a bulk_update's job runs this long after its request

cr_seed() {
	bash "$FIXTURES/gen-seed.sh" --courses 2 --assignments 75 --pages 30 --modules 5 \
		--token test-token-1 --token second-token >"$LOGDIR/seed.json"
	cat >"$LOGDIR/recipe.yaml" <<'EOF'
version: 1
courses: [1001, 1002]
steps:
  - shift_dates: {days: 7}
  - replace_text:
      in: [pages, assignments]
      replace:
        - {pattern: 'Fall 2025', with: 'Spring 2026'}
        - {pattern: 'problems', with: 'exercises'}
        - {pattern: 'Late work', with: 'Late submissions'}
EOF
}

# A reset simulator is another Canvas: the runs journaled against the old one are not this one's
# (rerun.c would leave out a shift they made; journal.c links a --journal file into the journal
# directory), so each reset starts a fresh journal directory, as another machine would have.
sim_reset() {
	curl -s -X POST "$SIM_URL/__sim/reset" >/dev/null
	SIM_RESETS=$((${SIM_RESETS:-0} + 1))
	export XDG_STATE_HOME="$LOGDIR/xdg-state-$SIM_RESETS"
}

# settle: wait until the simulator has no API request in progress (those of a killed client too)
# and its background jobs are due (a bulk_update sent just before the kill still runs in Canvas;
# GET /__sim/state runs due jobs), as a person who resumes or rolls back a while later finds it.
settle() {
	local i
	for i in $(seq 1 400); do
		if [ "$(stats .in_flight)" = 0 ]; then
			sleep "0.$((CR_PROGRESS_MS + 20))"
			curl -s "$SIM_URL/__sim/state" >/dev/null
			return 0
		fi
		sleep 0.01
	done
	kill -0 "$SIM_PID" 2>/dev/null || fail "canvas-sim died: $(tail -n 5 "$LOGDIR/sim.err")"
	fail "canvas-sim still has requests in flight: $(curl -s -m 5 "$SIM_URL/__sim/stats")"
}

sim_stop() {
	kill -TERM "$SIM_PID" 2>/dev/null || true
	wait "$SIM_PID" 2>/dev/null || true
	SIM_PID=""
}

# full_state OUT: an uninterrupted apply on the fresh (reset) simulator, its state in $LOGDIR/OUT;
# sets FULL_WRITES (writes the simulator answered).
full_state() {
	sim_reset
	run full.out apply --yes --journal "$LOGDIR/full.jsonl" "$LOGDIR/recipe.yaml"
	expect_eq 0 "$RC" "uninterrupted apply ($(cat "$LOGDIR/full.out.err"))"
	expect_eq "Applied 476 changes to 262 objects; 0 failed; 0 conflicts" "$(tail -n 1 "$LOGDIR/full.out")" \
		"uninterrupted summary"
	settle
	FULL_WRITES=$(stats .writes)
	state_snap "$1"
}

# ---------------------------------------------------------------- kill -9

test_kill_at_22_points_then_resume_or_rollback() {
	cr_seed
	sim_start --seed "$LOGDIR/seed.json" --latency-ms "$CR_LATENCY" --progress-delay-ms "$CR_PROGRESS_MS"
	state_snap seed.json
	full_state full.json
	local points=22 k target j pid w rc mid=0 resumed=0 rolled=0
	for k in $(seq 0 $((points - 1))); do
		sim_reset
		j=$LOGDIR/j$k.jsonl
		# from the first write to a few before the last
		target=$((1 + k * (FULL_WRITES - 4) / (points - 1)))
		CANVAS_API_TOKEN=$TOKEN "$COURSECTL" apply --url "$SIM_URL" --yes --journal "$j" \
			"$LOGDIR/recipe.yaml" >"$LOGDIR/k$k.out" 2>"$LOGDIR/k$k.err" </dev/null &
		pid=$!
		while :; do
			w=$(stats .writes)
			[ -n "$w" ] || fail "no answer from /__sim/stats (canvas-sim $(kill -0 "$SIM_PID" 2>/dev/null &&
				echo alive || echo dead))"
			[ "$w" -lt "$target" ] || break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.003
		done
		kill -9 "$pid" 2>/dev/null || true
		rc=0
		wait "$pid" 2>/dev/null || rc=$?
		settle
		[ -s "$j" ] || fail "point $k (after $w writes): no journal"
		if [ "$(tail -n 1 "$j" | jq -r .type 2>/dev/null)" != footer ]; then
			mid=$((mid + 1))
		fi
		echo "point $k: target $target writes, killed after $w (rc $rc)," \
			"$(grep -c '"type":"outcome"' "$j" || true) outcomes journaled" >>"$LOGDIR/points.log"
		if [ $((k % 2)) = 0 ]; then
			run r$k.out apply --yes --resume "$j"
			expect_eq 0 "$RC" "point $k: resume ($(tail -n 3 "$LOGDIR/r$k.out.err"))"
			state_snap p$k.json
			state_same full.json p$k.json "point $k: resume after a kill at $w writes"
			resumed=$((resumed + 1))
		else
			run b$k.out rollback --yes --journal "$LOGDIR/b$k.jsonl" "$j"
			expect_eq 0 "$RC" "point $k: rollback ($(tail -n 3 "$LOGDIR/b$k.out.err"))"
			settle
			state_snap p$k.json
			state_same seed.json p$k.json "point $k: rollback after a kill at $w writes"
			rolled=$((rolled + 1))
		fi
	done
	cat "$LOGDIR/points.log"
	# the kills must have landed mid-run, not after the end
	[ "$mid" -ge 20 ] || fail "only $mid of $points kills interrupted the run (see points.log)"
	expect_eq "11 11" "$resumed $rolled" "points checked by resume and by rollback"
}

# ---------------------------------------------------------------- a bulk_update job still queued

# wait_in_flight: until the simulator has no API request in progress, but without making its
# queued jobs run (unlike settle): Canvas's job of a bulk_update answered before the kill is
# still pending when the user resumes or rolls back at once.
wait_in_flight() {
	local i
	for i in $(seq 1 400); do
		[ "$(stats .in_flight)" = 0 ] && return 0
		sleep 0.01
	done
	fail "canvas-sim still has requests in flight"
}

# kill_after_job JOURNAL: start an apply, kill -9 it as soon as its journal records the Progress of
# a bulk_update (the jobs run JOB_MS after their request, so they are still queued).
kill_after_job() {
	local j=$1 pid i
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" apply --url "$SIM_URL" --yes --journal "$j" \
		"$LOGDIR/recipe.yaml" >"$LOGDIR/kill.out" 2>"$LOGDIR/kill.err" </dev/null &
	pid=$!
	for i in $(seq 1 1000); do
		grep -q '"type":"job"' "$j" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || fail "apply ended before any bulk_update was answered"
		sleep 0.005
	done
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	grep -q '"type":"job"' "$j" || fail "no job record in the journal"
	[ "$(grep -c '"type":"outcome"' "$j" | head -n 1)" -lt 476 ] || fail "the kill came after the run"
	wait_in_flight
	# the jobs are still queued: the simulator still has the seed's due dates
	expect_eq "$(jq '.courses[0].assignments[0].due_at' "$LOGDIR/seed.json")" \
		"$(curl -s "$SIM_URL/api/v1/courses/1001/assignments?per_page=1" -H "Authorization: Bearer $TOKEN" |
			jq '.[0].due_at')" "the job has not run yet"
}

test_kill_with_a_queued_bulk_job_then_rollback_at_once() {
	local job_ms=2500
	cr_seed
	sim_start --seed "$LOGDIR/seed.json" --latency-ms 5 --progress-delay-ms "$job_ms"
	state_snap seed.json
	kill_after_job "$LOGDIR/j.jsonl"
	RC=0
	"$COURSECTL" journal show "$LOGDIR/j.jsonl" >"$LOGDIR/show.out" 2>&1 || RC=$?
	expect_match "in doubt: Canvas took it as a background job \(/api/v1/progress/[0-9]+\)" \
		"$(cat "$LOGDIR/show.out")" "journal show names the job"
	run b.out rollback --yes --journal "$LOGDIR/b.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback ($(tail -n 3 "$LOGDIR/b.out.err"))"
	# had the rollback not waited, the job would move the dates now
	sleep "$((job_ms / 1000 + 1))"
	state_snap after.json
	state_same seed.json after.json "rollback at once after a kill with a queued bulk_update"
	expect_match "waiting for Canvas to finish [12] bulk date updates? of the interrupted run" \
		"$(cat "$LOGDIR/b.out.err")" "the rollback says it waits for the job"
}

test_kill_with_a_queued_bulk_job_then_resume_at_once() {
	local job_ms=2500
	cr_seed
	sim_start --seed "$LOGDIR/seed.json" --latency-ms 5 --progress-delay-ms "$job_ms"
	full_state full.json
	sim_reset
	kill_after_job "$LOGDIR/j.jsonl"
	# a copy without the job records: what a journal of a run killed before Canvas answered holds
	grep -v '"type":"job"' "$LOGDIR/j.jsonl" >"$LOGDIR/nojob.jsonl"
	run r.out apply --yes --resume "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "resume ($(tail -n 3 "$LOGDIR/r.out.err"))"
	# what the killed run wrote is already in place; the rest is written now: 476 in all
	expect_match '^Applied [0-9]+ changes? to [0-9]+ objects?; [0-9]+ already in place; 0 failed; 0 conflicts$' \
		"$(tail -n 1 "$LOGDIR/r.out")" "resume summary"
	expect_eq 476 "$(( $(tail -n 1 "$LOGDIR/r.out" | sed -E 's/^Applied ([0-9]+) .*; ([0-9]+) already.*/\1 + \2/') ))" \
		"resume: written and already in place"
	# resume found the job's dates written: no second bulk_update
	curl -s "$SIM_URL/__sim/requests" >"$LOGDIR/requests.json"
	expect_eq 2 "$(jq '[.[] | select(.path | endswith("/bulk_update"))] | length' "$LOGDIR/requests.json")" \
		"bulk_updates sent (by the killed run only)"
	state_snap resumed.json
	state_same full.json resumed.json "resume at once after a kill with a queued bulk_update"
	expect_match "waiting for Canvas to finish" "$(cat "$LOGDIR/r.out.err")" "resume waits for the job"
	# without a job record the in-doubt bulk dates get a warning that says to wait
	chmod 600 "$LOGDIR/nojob.jsonl"
	run w.out rollback --dry-run "$LOGDIR/nojob.jsonl"
	run w2.out apply --yes --resume "$LOGDIR/nojob.jsonl"
	expect_match "went to Canvas's bulk update, but the run stopped before Canvas answered.*wait a minute" \
		"$(tr '\n' ' ' <"$LOGDIR/w2.out.err")" "warning for bulk dates without a job record"
}

# ---------------------------------------------------------------- a token revoked mid-run

test_revoked_token_mid_run_then_resume_with_another() {
	cr_seed
	sim_start --seed "$LOGDIR/seed.json" --latency-ms 5 --progress-delay-ms "$CR_PROGRESS_MS"
	full_state full.json
	sim_reset
	# the 41st PUT revokes the token: the run stops with intents in doubt
	sim_post /__sim/script '{"method": "PUT", "path": "/api/*", "skip": 40, "action": "revoke_token"}'
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/recipe.yaml"
	expect_eq 3 "$RC" "exit code on a revoked token"
	expect_match "journal $LOGDIR/j.jsonl is complete.*coursectl apply --resume $LOGDIR/j.jsonl" \
		"$(tr '\n' ' ' <"$LOGDIR/apply.out.err")" "the message names the journal and the resume command"
	[ "$(tail -n 1 "$LOGDIR/j.jsonl" | jq -r .type)" != footer ] || fail "an interrupted run has no footer"
	jq -e . "$LOGDIR/j.jsonl" >/dev/null || fail "the journal is not whole JSON lines"
	settle
	# journal show reads it without complaint
	RC=0
	"$COURSECTL" journal show "$LOGDIR/j.jsonl" >"$LOGDIR/show.out" 2>"$LOGDIR/show.err" || RC=$?
	expect_eq 0 "$RC" "journal show ($(cat "$LOGDIR/show.err"))"
	[ -s "$LOGDIR/show.out" ] || fail "journal show printed nothing"
	APPLY_TOKEN=second-token run resume.out apply --yes --resume "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "resume with the other token ($(tail -n 3 "$LOGDIR/resume.out.err"))"
	# what the killed run wrote is already in place; the rest is written now: 476 in all
	expect_match '^Applied [0-9]+ changes? to [0-9]+ objects?; [0-9]+ already in place; 0 failed; 0 conflicts$' \
		"$(tail -n 1 "$LOGDIR/resume.out")" "resume summary"
	expect_eq 476 "$(( $(tail -n 1 "$LOGDIR/resume.out" | sed -E 's/^Applied ([0-9]+) .*; ([0-9]+) already.*/\1 + \2/') ))" \
		"resume: written and already in place"
	expect_eq footer "$(tail -n 1 "$LOGDIR/j.jsonl" | jq -r .type)" "finished"
	state_snap resumed.json
	state_same full.json resumed.json "resume after a revoked token"
}

# ---------------------------------------------------------------- faults

test_faults_reach_the_full_state_and_match_the_journal() {
	cr_seed
	sim_start --seed "$LOGDIR/seed.json" --progress-delay-ms "$CR_PROGRESS_MS"
	full_state full.json
	sim_stop
	sim_start --seed "$LOGDIR/seed.json" --fail-rate 0.1 --drop-rate 0.02 --random-seed 7 \
		--progress-delay-ms "$CR_PROGRESS_MS"
	local tries=0 args
	args=(--journal "$LOGDIR/j.jsonl" "$LOGDIR/recipe.yaml")
	while :; do
		tries=$((tries + 1))
		run apply$tries.out apply --yes "${args[@]}"
		echo "apply $tries: rc $RC: $(tail -n 1 "$LOGDIR/apply$tries.out")" >>"$LOGDIR/tries.log"
		[ "$RC" != 0 ] || break
		[ "$tries" -lt 4 ] || fail "not done after $tries runs: $(cat "$LOGDIR/tries.log")"
		# a run that journaled nothing (its plan's reads failed) starts again; else resume
		if [ -s "$LOGDIR/j.jsonl" ]; then
			args=(--resume "$LOGDIR/j.jsonl")
		fi
	done
	cat "$LOGDIR/tries.log"
	settle
	state_snap faults.json
	state_same full.json faults.json "apply under faults"
	# every change journaled done has its after value in the simulator
	curl -s "$SIM_URL/__sim/state" >"$LOGDIR/raw.json"
	jq -s '(.[0].plan.changes | map({key: (.seq | tostring), value: .}) | from_entries) as $c
		| [.[] | select(.type == "outcome" and .state == "done") | $c[.seq | tostring]]' \
		"$LOGDIR/j.jsonl" >"$LOGDIR/done.json"
	expect_eq 476 "$(jq 'map(.seq) | unique | length' "$LOGDIR/done.json")" "every change journaled done"
	expect_eq "[]" "$(jq -c --slurpfile s "$LOGDIR/raw.json" '
		def live($c): ($s[0].courses[] | select(.id == $c.course_id)) as $k
			| if $c.kind == "assignment" then ($k.assignments[] | select(.id == $c.id) | .[$c.field])
			  elif $c.kind == "assignment_override" then ($k.assignments[] | .overrides[]? | select(.id == $c.id)
				| .[$c.field])
			  elif $c.kind == "module" then ($k.modules[] | select(.id == $c.id) | .[$c.field])
			  elif $c.kind == "page" then ($k.pages[] | select(.page_id == $c.id) | .[$c.field])
			  else "unknown kind \($c.kind)" end;
		[.[] | select(live(.) != .after) | {seq, kind, id, field, after, live: live(.)}] | .[0:5]' \
		"$LOGDIR/done.json")" "done changes whose after value the simulator does not hold"
	# what the simulator received: no create, at most one successful bulk_update per course, and
	# every object PUT with success no more often than one write per run (a retry after a dropped
	# answer may repeat a PUT, which changes nothing the second time)
	curl -s "$SIM_URL/__sim/requests" >"$LOGDIR/requests.json"
	expect_eq 0 "$(jq '[.[] | select(.method == "POST" and (.path | test("/progress/") | not))] | length' \
		"$LOGDIR/requests.json")" "no create"
	expect_eq 0 "$(jq '[.[] | select(.method == "DELETE")] | length' "$LOGDIR/requests.json")" "no delete"
	expect_eq 2 "$(jq '[.[] | select(.path | endswith("/bulk_update")) | select(.status == 200)] | length' \
		"$LOGDIR/requests.json")" "one successful bulk_update per course"
	local most
	most=$(jq '[.[] | select(.method == "PUT" and .status >= 200 and .status < 300
		and (.path | endswith("/bulk_update") | not))] | group_by(.path) | map(length) | max // 0' \
		"$LOGDIR/requests.json")
	[ "$most" -le "$tries" ] || fail "an object was written $most times with success in $tries runs"
	local objs
	objs=$(jq '[.[] | select(.method == "PUT" and .status >= 200 and .status < 300
		and (.path | endswith("/bulk_update") | not)) | .path] | unique | length' "$LOGDIR/requests.json")
	expect_eq "$(jq '[.[] | select(.kind != "assignment" or .field == "description")
		| select(.kind != "assignment_override") | "\(.kind) \(.id)"] | unique | length' "$LOGDIR/done.json")" \
		"$objs" "objects PUT with success = objects the journal has done outside bulk_update"
}

# ---------------------------------------------------------------- the journal itself

test_journal_has_no_token_mode_600_and_damage_is_refused() {
	cr_seed
	APPLY_TOKEN=s3cr3t-t0k3n-value
	jq '.tokens += ["s3cr3t-t0k3n-value"]' "$LOGDIR/seed.json" >"$LOGDIR/seed2.json"
	sim_start --seed "$LOGDIR/seed2.json" --latency-ms 5
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/recipe.yaml"
	expect_eq 0 "$RC" "apply ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq 600 "$(stat -c %a "$LOGDIR/j.jsonl")" "journal mode"
	expect_eq 0 "$(grep -c 's3cr3t' "$LOGDIR/j.jsonl" || true)" "no token in the journal"
	# an interrupted journal: the header and the first 300 records, one middle line damaged
	local n
	n=$(wc -l <"$LOGDIR/j.jsonl")
	[ "$n" -gt 400 ] || fail "journal of $n lines"
	head -n 300 "$LOGDIR/j.jsonl" | sed '150s/.*/{"type":"outcome","seq":12,"sta/' >"$LOGDIR/bad.jsonl"
	chmod 600 "$LOGDIR/bad.jsonl"
	run resume.out apply --yes --resume "$LOGDIR/bad.jsonl"
	[ "$RC" != 0 ] || fail "apply --resume took a damaged journal"
	expect_match "bad.jsonl.*(line 150|:150)" "$(cat "$LOGDIR/resume.out.err")" "resume names the line"
	run rb.out rollback --yes --journal "$LOGDIR/rb.jsonl" "$LOGDIR/bad.jsonl"
	[ "$RC" != 0 ] || fail "rollback took a damaged journal"
	expect_match "bad.jsonl.*(line 150|:150)" "$(cat "$LOGDIR/rb.out.err")" "rollback names the line"
	# a torn LAST line is fine (a kill in the middle of a write)
	head -n 300 "$LOGDIR/j.jsonl" >"$LOGDIR/torn.jsonl"
	printf '{"type":"outcome","se' >>"$LOGDIR/torn.jsonl"
	chmod 600 "$LOGDIR/torn.jsonl"
	RC=0
	"$COURSECTL" journal show "$LOGDIR/torn.jsonl" >"$LOGDIR/show.out" 2>"$LOGDIR/show.err" || RC=$?
	expect_eq 0 "$RC" "journal show of a torn last line ($(cat "$LOGDIR/show.err"))"
}

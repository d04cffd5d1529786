# tests/e2e/t1110-faults.sh -- faults on our side of the wire (issue 17, "Faults"): a disk that
# fills up or loses a sync under the journal, and a POST whose answer is lost to the simulator's
# latency.
#
# The disk: tests/shim/diskfull.c, preloaded into coursectl only (DISKFULL_PATH names the journal):
# after DISKFULL_LINES lines a write is cut short and every later one fails with ENOSPC, or (with
# DISKFULL_SYNC=1) fdatasync fails with EIO. A tmpfs cannot be mounted here and, as root, a
# read-only directory does not stop a write. What must hold (docs/journal-format.md, journal.c rule 4):
#   - before the first write (the header cannot be written or synced): nothing is sent -- the
#     simulator's request log holds no PUT, POST or DELETE -- the half-written journal is removed,
#     and the message names the journal and the error;
#   - during a run: the run stops before its next write, with a message naming the journal; every
#     write the simulator carried out has an intent in the journal (tests/soak/soak-check.py wire),
#     the journal still ends on a whole line, and once the disk has room `apply --resume` finishes
#     the run to exactly the planned state, and rollback to the seed.
# The lost answer: canvas-sim --latency-ms 400 --jitter-ms 1000 holds every request 0.4 to 1.4 s
# before its handler runs, and coursectl's --timeout 1 gives up on about 40% of them, POSTs
# included, while the simulator still carries them out. Apply looks for each such object before it
# POSTs again (exec_lost.c), so the created objects exist exactly once, after the run and after a
# resume of it; t0931 holds single POSTs with a `delay` script, this case lets latency hit every
# request of a run.
#
# Workload: small-seed.json, course 4821: its four pages editable by students too (4 PUTs), its
# modules "Week N" renamed "Unit N" (3 PUTs), a page created (1 POST), a module with two items
# created (3 POSTs, each after the one it needs); a saved plan, applied with --concurrency 1 so a
# run's writes come one after the other. Its journal: the header, the 8 intents of the independent
# changes (fsync'ed together), their 8 outcomes, then intent and outcome of the module and of each
# item.

f_recipe() {
	cat >"$LOGDIR/recipe.yaml" <<'EOF'
version: 1
courses: [4821]
steps:
  - pages:
      set: {editing_roles: "teachers,students"}
  - modules:
      where: {name: '^Week \d+'}
      rename: {pattern: '^Week (\d+)', with: 'Unit $1'}
  - pages:
      where: {url: spring-office-hours}
      create: true
      set: {title: Spring office hours, published: true}
  - modules:
      ensure:
        - name: Orientation Spring 2026
          items:
            - page: spring-office-hours
            - {url: https://library.example.edu/phys, title: Library guide}
EOF
}

f_plan() {
	f_recipe
	cc plan --out "$LOGDIR/plan.json" "$LOGDIR/recipe.yaml" >/dev/null 2>"$LOGDIR/plan.err" ||
		fail "plan: $(cat "$LOGDIR/plan.err")"
	expect_eq 11 "$(jq '.changes | length' "$LOGDIR/plan.json")" "changes planned"
}

# full OUT LINES [sync] ARGS...: cc with the journal's disk full after LINES lines (sync: its
# fdatasync fails instead); the journal is $LOGDIR/j.jsonl
full() {
	local out=$1 lines=$2 sync=0
	shift 2
	if [ "$1" = sync ]; then
		sync=1
		shift
	fi
	RC=0
	LD_PRELOAD=$ROOT/$BUILD/tests/shim/diskfull.so ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
		DISKFULL_PATH=$LOGDIR/j.jsonl DISKFULL_LINES=$lines DISKFULL_SYNC=$sync \
		cc "$@" >"$LOGDIR/$out" 2>"$LOGDIR/$out.err" </dev/null || RC=$?
	# the run is meant to fail: a sanitizer report (make asan) must not hide behind that
	! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$LOGDIR/$out.err" ||
		fail "sanitizer report from coursectl: $(head -n 20 "$LOGDIR/$out.err")"
}

writes() {   # the PUTs, POSTs and DELETEs the simulator has been sent
	curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.method != "GET")] | length'
}

requests_jsonl() {
	curl -s "$SIM_URL/__sim/requests" | jq -c '.[]' >"$LOGDIR/$1"
}

# ---------------------------------------------------------------- before the first write

full_before() {
	local mode=$1 what=$2
	sim_start
	f_plan
	state_snap seed.json
	full apply.out 0 $mode apply --yes --concurrency 1 --journal "$LOGDIR/j.jsonl" "$LOGDIR/plan.json"
	[ "$RC" != 0 ] || fail "apply exited 0 with a journal it could not write"
	expect_match "cannot write journal '$LOGDIR/j.jsonl'( to disk)?: $what" "$(cat "$LOGDIR/apply.out.err")" \
		"the message"
	expect_eq 0 "$(writes)" "writes sent"
	[ ! -e "$LOGDIR/j.jsonl" ] || fail "the half-written journal was left behind"
	state_snap after.json
	state_same seed.json after.json "a journal that cannot be written"
}

test_disk_full_before_the_first_write_sends_nothing() {
	full_before "" "No space left on device"
}

test_a_failed_sync_before_the_first_write_sends_nothing() {
	full_before sync "Input/output error"
}

test_a_journal_in_a_missing_directory_sends_nothing() {
	sim_start
	f_plan
	run apply.out apply --yes --journal "$LOGDIR/no/such/dir/j.jsonl" "$LOGDIR/plan.json"
	[ "$RC" != 0 ] || fail "apply exited 0 without a journal"
	expect_match "cannot create journal .*No such file or directory" "$(cat "$LOGDIR/apply.out.err")" "message"
	expect_eq 0 "$(writes)" "writes sent"
}

# ---------------------------------------------------------------- during a run

# full_during MODE ERROR LINES MAX: the disk fills after LINES lines; at most MAX writes may be sent
full_during() {
	local mode=$1 what=$2 lines=$3 max=$4 n intents
	sim_start
	f_plan
	state_snap seed.json
	full apply.out "$lines" $mode apply --yes --concurrency 1 --journal "$LOGDIR/j.jsonl" "$LOGDIR/plan.json"
	[ "$RC" != 0 ] || fail "apply exited 0 with a journal it could not write"
	expect_match "journal '$LOGDIR/j.jsonl'" "$(cat "$LOGDIR/apply.out.err")" "the message names the journal"
	expect_match "$what" "$(cat "$LOGDIR/apply.out.err")" "the message gives the error"
	n=$(writes)
	intents=$(jq -s '[.[] | select(.type == "intent")] | length' "$LOGDIR/j.jsonl")
	[ "$n" -ge 1 ] && [ "$n" -le "$max" ] || fail "$n writes sent (at most $max): the run did not stop at the full disk"
	[ "$n" -le "$intents" ] || fail "$n writes sent for $intents intents on disk"
	[ "$(tail -c 1 "$LOGDIR/j.jsonl" | od -An -c | tr -d ' ')" = '\n' ] ||
		fail "the journal does not end on a whole line"
	requests_jsonl requests.jsonl
	python3 "$ROOT/tests/soak/soak-check.py" wire "$LOGDIR/plan.json" "$LOGDIR/j.jsonl" \
		"$LOGDIR/requests.jsonl" "$LOGDIR/seed.json" >"$LOGDIR/wire.out" 2>"$LOGDIR/wire.err" ||
		fail "journal and request log disagree: $(head -n 5 "$LOGDIR/wire.err")"
	# the disk has room again: resume finishes the run, rollback undoes it
	# (--timeout 2: a create whose intent has no outcome is looked for until 1.5 x --timeout + 1 s
	# after the run began; the POST was never sent, but only Canvas can tell)
	run resume.out apply --resume "$LOGDIR/j.jsonl" --yes --timeout 2
	expect_eq 0 "$RC" "resume exit status ($(tail -n 2 "$LOGDIR/resume.out.err"))"
	expect_eq 1 "$(state '[.courses[] | select(.id == 4821) | .pages[] | select(.title == "Spring office hours")]
		| length')" "created page"
	expect_eq 4 "$(state '[.courses[] | select(.id == 4821) | .pages[] | select(.editing_roles == "teachers,students")]
		| length')" "pages edited"
	expect_eq '[["Spring office hours","Library guide"]]' "$(state '[.courses[] | select(.id == 4821) | .modules[]
		| select(.name == "Orientation Spring 2026") | [.items[] | .title]] | tojson')" "created module"
	run rb.out rollback --yes --journal "$LOGDIR/rb.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit status ($(tail -n 2 "$LOGDIR/rb.out.err"))"
	state_snap after.json
	state_same seed.json after.json "rolled back after a full disk"
}

test_disk_full_during_a_run_stops_before_the_next_write() {
	# the header, 8 intents and the first outcome: the second outcome does not fit; the first two
	# writes may be out, not the third
	full_during "" "No space left on device" 10 2
}

test_a_failed_sync_during_a_run_stops_before_the_next_write() {
	# the first 8 changes go through; the module's intent cannot be synced: its POST is never sent
	full_during sync "Input/output error" 17 8
	expect_eq 0 "$(jq -s '[.[] | select(.method == "POST" and (.path | endswith("/modules")))] | length' \
		"$LOGDIR/requests.jsonl")" "module POSTs sent after the failed sync"
}

# A bulk_update's Progress is journaled when Canvas answers, and made durable with the other records
# of that turn before the next request leaves (group commit, issue 18: journal_commit in the
# engine's before_send hook). Its fdatasync fails: the poll is never sent -- nor anything else --
# and the job record, written, is what resume waits on before it reads (exec_jobs.c).
test_a_failed_sync_of_a_bulk_job_sends_no_poll() {
	local n
	sim_start
	cat >"$LOGDIR/recipe3.yaml" <<'EOF'
version: 1
courses: [4821]
steps:
  - shift_dates: {days: 7, only: [assignments]}
EOF
	cc plan --out "$LOGDIR/plan.json" "$LOGDIR/recipe3.yaml" >/dev/null 2>"$LOGDIR/plan.err" ||
		fail "plan: $(cat "$LOGDIR/plan.err")"
	n=$(jq '.changes | length' "$LOGDIR/plan.json")
	[ "$n" -ge 2 ] || fail "the plan has $n changes"
	state_snap seed.json
	# the header and the intents are synced; the job record, the next line, is not
	full apply.out "$((1 + n))" sync apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/plan.json"
	[ "$RC" != 0 ] || fail "apply exited 0 with a journal it could not sync"
	expect_match "journal '$LOGDIR/j.jsonl'.*Input/output error" "$(cat "$LOGDIR/apply.out.err")" "the message"
	requests_jsonl requests.jsonl
	expect_eq 1 "$(jq -s '[.[] | select(.method == "PUT" and (.path | endswith("/bulk_update")))] | length' \
		"$LOGDIR/requests.jsonl")" "bulk updates sent"
	expect_eq 0 "$(jq -s '[.[] | select(.path | startswith("/api/v1/progress"))] | length' "$LOGDIR/requests.jsonl")" \
		"Progress polls sent after the job record's failed sync"
	expect_eq job "$(tail -n 1 "$LOGDIR/j.jsonl" | jq -r .type)" "the journal's last record"
	# the disk has room again: resume waits for the job and finds the dates written; rollback undoes it
	run resume.out apply --resume "$LOGDIR/j.jsonl" --yes
	expect_eq 0 "$RC" "resume exit status ($(tail -n 2 "$LOGDIR/resume.out.err"))"
	run rb.out rollback --yes --journal "$LOGDIR/rb.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit status ($(tail -n 2 "$LOGDIR/rb.out.err"))"
	state_snap after.json
	state_same seed.json after.json "rolled back after a failed sync of a job"
}

# ---------------------------------------------------------------- a POST's answer lost to latency

test_posts_lost_to_latency_make_no_duplicate() {
	local i created
	sim_start --latency-ms 400 --jitter-ms 1000 --random-seed 1
	# creates only: a page and a module holding it (more changes would only add waiting)
	cat >"$LOGDIR/recipe2.yaml" <<'EOF'
version: 1
courses: [4821]
steps:
  - pages:
      where: {url: spring-office-hours}
      create: true
      set: {title: Spring office hours, published: true}
  - modules:
      ensure:
        - name: Orientation Spring 2026
          items:
            - page: spring-office-hours
EOF
	cc plan --out "$LOGDIR/plan2.json" "$LOGDIR/recipe2.yaml" >/dev/null 2>"$LOGDIR/plan2.err" ||
		fail "plan: $(cat "$LOGDIR/plan2.err")"
	run apply.out -v apply --yes --timeout 1 --journal "$LOGDIR/j.jsonl" "$LOGDIR/plan2.json"
	for i in 1 2 3; do
		[ "$RC" != 0 ] || break
		run "resume$i.out" apply --resume "$LOGDIR/j.jsonl" --yes --timeout 1
	done
	sleep 2   # a POST the client gave up on may still be in the simulator's latency
	expect_eq 0 "$RC" "apply (and resume) exit status ($(tail -n 2 "$LOGDIR/apply.out.err"))"
	# -v logs each attempt: a POST with "no response" is an answer lost while Canvas made the object
	grep -q 'POST .* -> no response' "$LOGDIR/apply.out.err" || fail "no POST answer was lost: the case shows nothing"
	created=$(state '.courses[] | select(.id == 4821) | {
		pages: [.pages[] | select(.title == "Spring office hours") | .title],
		modules: [.modules[] | select(.name == "Orientation Spring 2026") | [.items[] | .title]]} | tojson')
	expect_eq '{"pages":["Spring office hours"],"modules":[["Spring office hours"]]}' \
		"$created" "created objects (each exactly once)"
}

# tests/e2e/t0900-journal.sh -- `coursectl journal show` and `coursectl journal list` (issue 7).
#
# The journals here are written by hand, record by record, from the documented format
# (include/journal.h) rather than by coursectl's writer (tests/unit/unit-journal.c covers that), so
# the reader is held to the format and not to whatever the writer happens to do. Their plans are
# small hand-written ones, and in one case a real plan made by `coursectl plan --out` against
# canvas-sim.
# Cases: show of an interrupted run (counts, the changes needing attention, the resume hint) and of
# a finished one (text and --format json); a torn last line is forgiven, a damaged middle line is
# refused with FILE:LINE and exit 1; strings from the server are neutralised; a run holding the
# lock shows as running; list: newest first, statuses, --dir, --limit, --format json, the default
# directory from XDG_STATE_HOME; usage errors and help.

AT='2026-11-27T23:59:59.500Z'

# The plan of the hand-made journals: 4 changes over course 4821, one name carrying a terminal
# escape sequence (as a page title from Canvas may).
small_plan() {
	cat >"$LOGDIR/plan.json" <<'EOF'
{"format": "coursectl-plan", "version": 1, "tool": "coursectl 0.1.0", "recipe": "recipes/term-rollover.yaml",
 "recipe_sha256": "0f5c1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeef", "description": null,
 "base_url": "https://canvas.example.edu", "created_at": "2026-11-27T23:59:00Z",
 "courses": [{"id": 4821, "given": "4821", "name": "Physics I", "course_code": "PHYS 101",
              "time_zone": "America/New_York"}],
 "changes": [
  {"seq": 1, "step": "Rollover", "steps": ["Rollover"], "course_id": 4821, "kind": "assignment", "id": 90211,
   "name": "Lab 1", "op": "update", "field": "due_at", "before": "2025-10-18T03:59:59Z",
   "after": "2026-03-07T04:59:59Z"},
  {"seq": 2, "step": "Rollover", "steps": ["Rollover"], "course_id": 4821, "kind": "assignment", "id": 90212,
   "name": "Lab 2", "op": "update", "field": "due_at", "before": "2025-10-25T03:59:59Z",
   "after": "2026-03-14T03:59:59Z"},
  {"seq": 3, "step": "Pages", "steps": ["Pages"], "course_id": 4821, "kind": "page", "id": 73,
   "name": "Piazza \u001b[31mred\u001b[0m guide", "op": "update", "field": "body", "before": "<p>Fall</p>",
   "after": "<p>Spring</p>"},
  {"seq": 4, "step": "Structure", "steps": ["Structure"], "course_id": 4821, "kind": "module", "id": "new:1",
   "name": "Start Here", "op": "create", "field": null, "before": null,
   "after": {"name": "Start Here", "position": 1}}],
 "skipped": []}
EOF
	echo "$LOGDIR/plan.json"
}

# jheader PLAN [RUN [CREATED_AT]]: the header line of a journal of PLAN.
jheader() {
	jq -c --arg run "${2:-apply}" --arg at "${3:-2026-11-27T23:59:59Z}" \
		'{type: "header", format: "coursectl-journal", version: 1, tool: "coursectl 0.1.0", run: $run,
		  base_url, recipe, recipe_sha256, plan_sha256: "0", courses: [.courses[].id], created_at: $at,
		  user: "alice", plan: .}' "$1"
}

intent() {
	printf '{"type":"intent","seq":%s,"at":"%s"}\n' "$1" "$AT"
}

# outcome SEQ STATE [ERROR]
outcome() {
	jq -cn --argjson seq "$1" --arg state "$2" --arg error "${3:-}" --arg at "$AT" \
		'{type: "outcome", seq: $seq, state: $state, at: $at}
		 + (if $error == "" then {} else {error: $error} end)'
}

footer() {
	printf '{"type":"footer","at":"%s","summary":{"done":2}}\n' "$AT"
}

# An interrupted run: 1 done, 2 failed (with an error carrying an escape and a newline), 3 a
# conflict, 4 intent without outcome. Written to FILE.
interrupted_journal() {
	local plan
	plan=$(small_plan)
	{
		jheader "$plan"
		intent 1
		intent 2
		outcome 1 done
		outcome 2 failed "$(printf 'Canvas answered 500 \033]0;pwned\007\nsecond line')"
		outcome 3 conflict "due_at is 2025-11-01T00:00:00Z on Canvas, not the planned 2025-10-18T03:59:59Z"
		intent 4
	} >"$1"
}

# journal ARGS...: run coursectl journal with stdout in $LOGDIR/out, stderr in $LOGDIR/err; sets RC.
journal() {
	RC=0
	"$COURSECTL" journal "$@" >"$LOGDIR/out" 2>"$LOGDIR/err" || RC=$?
}

# ---------------------------------------------------------------- show

test_show_interrupted() {
	local j=$LOGDIR/run.jsonl out
	interrupted_journal "$j"
	journal show "$j"
	expect_eq 0 "$RC" "exit code (stderr: $(cat "$LOGDIR/err"))"
	out=$(cat "$LOGDIR/out")
	expect_match "Journal $j" "$out" "the path"
	expect_match 'run +apply \(coursectl 0\.1\.0\)' "$out" "the run"
	expect_match 'canvas +https://canvas\.example\.edu' "$out" "the base URL"
	expect_match 'recipe +recipes/term-rollover\.yaml \(sha256 0f5c1e2d3c4b' "$out" "the recipe"
	expect_match 'created +2026-11-27T23:59:59Z by alice' "$out" "when and who"
	expect_match 'courses +4821 PHYS 101' "$out" "the courses"
	expect_match '4 changes: 1 done, 1 failed, 1 conflict, 1 in doubt' "$out" "the counts"
	expect_match '#2 course 4821 assignment 90212 "Lab 2" due_at: failed: Canvas answered 500 '\
'\\x1b\]0;pwned\\x07\\nsecond line' "$out" "the failure, neutralised"
	expect_match '#3 course 4821 page 73 "Piazza \\x1b\[31mred\\x1b\[0m guide" body: conflict: due_at is 2025-11-01' \
		"$out" "the conflict"
	expect_match '#4 course 4821 module new:1 "Start Here" \(create\): in doubt' "$out" "the intent without outcome"
	! grep -q '#1 ' "$LOGDIR/out" || fail "a done change is listed: $out"
	# issue 16: how it ended and what to run next come first, before the per-change lines
	expect_eq "interrupted: 1 done, 1 failed, 1 conflict, 1 in doubt (intent without outcome) (of 4 changes)" \
		"$(head -n 1 "$LOGDIR/out")" "the first line"
	expect_eq "next: coursectl apply --resume $j (checks the 1 in doubt against Canvas, writes the rest; --force writes over the conflicts), or coursectl rollback $j to undo the run" \
		"$(sed -n 2p "$LOGDIR/out")" "the second line"
	! grep -q "$(printf '\033')" "$LOGDIR/out" || fail "a raw escape reached the output"
	! grep -q "$(printf '\007')" "$LOGDIR/out" || fail "a raw BEL reached the output"
}

test_show_finished_json() {
	local j=$LOGDIR/run.jsonl doc
	interrupted_journal "$j"
	{ outcome 4 done; intent 2; outcome 2 done; footer; } >>"$j"
	journal show "$j"
	expect_eq 0 "$RC" "exit code (stderr: $(cat "$LOGDIR/err"))"
	expect_eq "finished: 3 done, 1 conflict (of 4 changes)" "$(head -n 1 "$LOGDIR/out")" "the first line"
	expect_match '4 changes: 3 done, 1 conflict' "$(cat "$LOGDIR/out")" "the counts"
	journal show "$j" --format json
	expect_eq 0 "$RC" "exit code, json (stderr: $(cat "$LOGDIR/err"))"
	doc=$LOGDIR/out
	jq -e . "$doc" >/dev/null || fail "not JSON: $(head -c 300 "$doc")"
	expect_eq "$j" "$(jq -r .path "$doc")" path
	expect_eq apply "$(jq -r .run "$doc")" run
	expect_eq alice "$(jq -r .user "$doc")" user
	expect_eq https://canvas.example.edu "$(jq -r .base_url "$doc")" base_url
	expect_eq '[4821]' "$(jq -c '[.courses[].id]' "$doc")" courses
	expect_eq 4 "$(jq -r .changes "$doc")" changes
	expect_eq '{"none":0,"intent":0,"done":3,"failed":0,"conflict":1,"skipped":0}' "$(jq -c .counts "$doc")" counts
	expect_eq '[{"seq":3,"state":"conflict","kind":"page","id":73,"field":"body"}]' \
		"$(jq -c '[.attention[] | {seq, state, kind, id, field}]' "$doc")" attention
	expect_eq finished "$(jq -r .status "$doc")" status
	expect_eq 'true false 11' "$(jq -r '"\(.finished) \(.torn_tail) \(.lines)"' "$doc")" "finished, torn_tail, lines"
}

test_show_torn_last_line() {
	local j=$LOGDIR/run.jsonl
	interrupted_journal "$j"
	printf '{"type":"outcome","seq":4,"sta' >>"$j"
	journal show "$j"
	expect_eq 0 "$RC" "exit code (stderr: $(cat "$LOGDIR/err"))"
	grep -q '^note: line 8 was incomplete' "$LOGDIR/out" || fail "no note of the torn line: $(cat "$LOGDIR/out")"
	expect_match '4 changes: 1 done, 1 failed, 1 conflict, 1 in doubt' "$(cat "$LOGDIR/out")" "the counts"
	expect_match '^interrupted: ' "$(head -n 1 "$LOGDIR/out")" "status"
	journal show "$j" --format json
	expect_eq 'true interrupted' "$(jq -r '"\(.torn_tail) \(.status)"' "$LOGDIR/out")" "torn_tail, status"
}

test_show_damaged_middle_line() {
	local j=$LOGDIR/run.jsonl
	interrupted_journal "$j"
	# line 3 (the second intent) loses its closing brace
	sed -i '3s/}$//' "$j"
	journal show "$j"
	expect_eq 1 "$RC" "exit code"
	expect_eq "" "$(cat "$LOGDIR/out")" "stdout"
	grep -qF "$j:3: not a JSON record" "$LOGDIR/err" || fail "the line is not named: $(cat "$LOGDIR/err")"
	# a record naming a change the plan does not have, in the middle
	interrupted_journal "$j"
	sed -i '5s/"seq":2/"seq":12/' "$j"
	journal show "$j" --format json
	expect_eq 1 "$RC" "exit code, unknown seq"
	grep -qF "$j:5: the outcome names no change of the plan" "$LOGDIR/err" ||
		fail "unknown seq not reported: $(cat "$LOGDIR/err")"
	# not a journal; a missing file
	echo '{"format": "coursectl-plan"}' >"$j"
	journal show "$j"
	expect_eq 1 "$RC" "exit code, not a journal"
	grep -q 'not a coursectl journal' "$LOGDIR/err" || fail "$(cat "$LOGDIR/err")"
	journal show "$LOGDIR/missing.jsonl"
	expect_eq 1 "$RC" "exit code, missing file"
	grep -q "cannot read journal '$LOGDIR/missing.jsonl'" "$LOGDIR/err" || fail "$(cat "$LOGDIR/err")"
}

# A run in progress holds JOURNAL.lock: show says running, not interrupted.
test_show_running() {
	local j=$LOGDIR/run.jsonl holder i
	interrupted_journal "$j"
	(
		exec 9>"$j.lock"
		flock -x 9
		exec sleep 20
	) &
	holder=$!
	for i in $(seq 1 100); do
		flock -n "$j.lock" true 2>/dev/null || break
		sleep 0.05
	done
	journal show "$j"
	kill "$holder" 2>/dev/null || true
	wait "$holder" 2>/dev/null || true
	expect_eq 0 "$RC" "exit code (stderr: $(cat "$LOGDIR/err"))"
	expect_match "^running: " "$(head -n 1 "$LOGDIR/out")" "status"
	expect_eq "next: wait: another coursectl holds the journal's lock ($j.lock); look again when it ends" \
		"$(sed -n 2p "$LOGDIR/out")" "what to do"
	# released: interrupted again
	journal show "$j"
	expect_match '^interrupted: ' "$(head -n 1 "$LOGDIR/out")" "status after the run let go"
}

# A journal of a real plan: term-rollover over canvas-sim, every change done but one failure.
test_show_real_plan() {
	local j=$LOGDIR/run.jsonl n s
	sim_start --seed "$FIXTURES/plan-seed.json"
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" plan --url "$SIM_URL" recipes/term-rollover.yaml \
		--out "$LOGDIR/plan.json" >/dev/null 2>"$LOGDIR/plan.err" || fail "plan: $(cat "$LOGDIR/plan.err")"
	n=$(jq '.changes | length' "$LOGDIR/plan.json")
	[ "$n" -gt 5 ] || fail "a plan of only $n changes"
	{
		jheader "$LOGDIR/plan.json"
		for s in $(seq 1 "$n"); do
			intent "$s"
			if [ "$s" = 2 ]; then
				outcome "$s" failed "Canvas answered 200 but due_at did not change"
			else
				outcome "$s" done
			fi
		done
		footer
	} >"$j"
	journal show "$j"
	expect_eq 0 "$RC" "exit code (stderr: $(cat "$LOGDIR/err"))"
	expect_match "$n changes: $((n - 1)) done, 1 failed" "$(cat "$LOGDIR/out")" "the counts"
	expect_match 'courses +4821 PHYS 101, 4824 ' "$(cat "$LOGDIR/out")" "the courses"
	expect_match "canvas +$SIM_URL" "$(cat "$LOGDIR/out")" "the base URL"
	expect_eq 1 "$(grep -c '^  #' "$LOGDIR/out")" "lines needing attention"
	expect_match "^  #2 course [0-9]+ [a-z_]+ [^ ]+ \".*\" .*: failed: Canvas answered 200 but due_at did not change\$" \
		"$(grep '^  #' "$LOGDIR/out")" "the failure"
	journal show "$j" --format json
	expect_eq "$(jq -c '.changes[1] | [.seq, .kind, .id, .field]' "$LOGDIR/plan.json")" \
		"$(jq -c '.attention[0] | [.seq, .kind, .id, .field]' "$LOGDIR/out")" "the failed change is the plan's"
}

# ---------------------------------------------------------------- list

# mk_journal DIR NAME MTIME CREATED RUN [finished]
mk_journal() {
	local plan
	plan=$(small_plan)
	{
		jheader "$plan" "$5" "$4"
		intent 1
		outcome 1 done
		if [ "${6:-}" = finished ]; then
			intent 2
			outcome 2 failed "boom"
			footer
		fi
	} >"$1/$2"
	touch -d "$3" "$1/$2"
}

test_list_newest_first() {
	local d=$LOGDIR/state/coursectl/journals out
	mkdir -p "$d"
	mk_journal "$d" 20260101-000000-apply-4821.jsonl '2026-01-01 00:00:00' 2026-01-01T00:00:00Z apply finished
	mk_journal "$d" 20260301-000000-apply-4821.jsonl '2026-03-01 00:00:00' 2026-03-01T00:00:00Z apply
	mk_journal "$d" 20260201-000000-rollback-4821.jsonl '2026-02-01 00:00:00' 2026-02-01T00:00:00Z rollback finished
	printf 'not a journal\n{"type":"intent"}\n' >"$d/20260401-000000-apply-4821.jsonl"
	touch -d '2026-04-01 00:00:00' "$d/20260401-000000-apply-4821.jsonl"
	echo junk >"$d/notes.txt"
	: >"$d/20260301-000000-apply-4821.jsonl.lock"
	XDG_STATE_HOME=$LOGDIR/state journal list
	expect_eq 0 "$RC" "exit code (stderr: $(cat "$LOGDIR/err"))"
	out=$(cat "$LOGDIR/out")
	expect_match '^CREATED +RUN +COURSES +CHANGES +STATUS +JOURNAL$' "$(head -n 1 "$LOGDIR/out")" "the heading"
	# newest first; the damaged one with its error under it
	expect_eq "damaged
interrupted
finished
finished" "$(grep -E '^[0-9]{4}-' "$LOGDIR/out" | grep -oE '(damaged|interrupted|finished) ' | tr -d ' ')" \
		"statuses in order"
	expect_match "2026-03-01T00:00:00Z +apply +4821 +4: 1 done, 3 not started +interrupted +$d/20260301-" \
		"$out" "the interrupted run"
	expect_match "2026-02-01T00:00:00Z +rollback +4821 +4: 1 done, 1 failed, 2 not started +finished +$d/20260201" \
		"$out" "the rollback"
	expect_match "damaged +$d/20260401-000000-apply-4821\.jsonl" "$out" "the damaged one"
	expect_match "    $d/20260401-000000-apply-4821\.jsonl:1: not a JSON record" "$out" "its error"
	! grep -q 'notes.txt\|\.lock' "$LOGDIR/out" || fail "other files listed: $out"

	# --limit, --dir, --format json
	journal list --dir "$d" --limit 2 --format json
	expect_eq 0 "$RC" "exit code, json (stderr: $(cat "$LOGDIR/err"))"
	expect_eq '["damaged","interrupted"]' "$(jq -c '[.[].status]' "$LOGDIR/out")" "json statuses"
	expect_eq "$d/20260301-000000-apply-4821.jsonl apply [4821] 4 1 3" \
		"$(jq -r '.[1] | "\(.path) \(.run) \(.courses | tostring) \(.changes) \(.counts.done) \(.counts.none)"' \
			"$LOGDIR/out")" "the interrupted run in json"
	expect_match ':1: not a JSON record' "$(jq -r '.[0].error' "$LOGDIR/out")" "the damaged one's error"
	journal list --dir "$d" --limit 0
	expect_eq 6 "$(wc -l <"$LOGDIR/out")" "--limit 0: all (a heading, 4 journals, an error line)"
}

test_list_default_dir_from_home() {
	local d=$LOGDIR/home/.local/state/coursectl/journals
	mkdir -p "$d"
	mk_journal "$d" 20260101-000000-apply-4821.jsonl '2026-01-01 00:00:00' 2026-01-01T00:00:00Z apply finished
	RC=0
	env -u XDG_STATE_HOME HOME="$LOGDIR/home" "$COURSECTL" journal list >"$LOGDIR/out" 2>"$LOGDIR/err" || RC=$?
	expect_eq 0 "$RC" "exit code (stderr: $(cat "$LOGDIR/err"))"
	grep -qF "$d/20260101-000000-apply-4821.jsonl" "$LOGDIR/out" || fail "not listed: $(cat "$LOGDIR/out")"
}

test_list_empty() {
	XDG_STATE_HOME=$LOGDIR/state journal list
	expect_eq 0 "$RC" "exit code (stderr: $(cat "$LOGDIR/err"))"
	expect_eq "" "$(cat "$LOGDIR/out")" "stdout"
	grep -q "no journals in $LOGDIR/state/coursectl/journals" "$LOGDIR/err" || fail "$(cat "$LOGDIR/err")"
	expect_eq 700 "$(stat -c %a "$LOGDIR/state/coursectl/journals")" "the directory's mode"
	XDG_STATE_HOME=$LOGDIR/state journal list --format json
	expect_eq '[]' "$(jq -c . "$LOGDIR/out")" "json"
	journal list --dir "$LOGDIR/nowhere"
	expect_eq 1 "$RC" "a missing --dir"
	grep -q "cannot read directory '$LOGDIR/nowhere'" "$LOGDIR/err" || fail "$(cat "$LOGDIR/err")"
}

# ---------------------------------------------------------------- command line

test_journal_usage_and_help() {
	local j=$LOGDIR/run.jsonl
	interrupted_journal "$j"
	journal --help
	expect_eq 0 "$RC" "--help"
	expect_match '^usage: coursectl journal show JOURNAL' "$(head -n 1 "$LOGDIR/out")" "usage line"
	grep -q 'coursectl journal list' "$LOGDIR/out" || fail "list missing from help"
	"$COURSECTL" help journal | grep -q '^usage: coursectl journal show' || fail "help journal"
	journal show --help
	expect_eq 0 "$RC" "show --help"
	journal list -h
	expect_eq 0 "$RC" "list -h"
	"$COURSECTL" --help | grep -qE '^ +journal +' || fail "journal is not in coursectl --help"
	journal
	expect_eq 64 "$RC" "no subcommand"
	journal frobnicate
	expect_eq 64 "$RC" "unknown subcommand"
	grep -q "'frobnicate' is not a journal command" "$LOGDIR/err" || fail "$(cat "$LOGDIR/err")"
	journal show
	expect_eq 64 "$RC" "show without a journal"
	journal show "$j" "$j"
	expect_eq 64 "$RC" "show with two journals"
	journal show "$j" --bogus
	expect_eq 64 "$RC" "show --bogus"
	journal show "$j" --format html
	expect_eq 64 "$RC" "show --format html"
	journal list --limit -1
	expect_eq 64 "$RC" "list --limit -1"
	journal list --dir
	expect_eq 64 "$RC" "list --dir without a value"
	journal list extra
	expect_eq 64 "$RC" "list with an argument"
}

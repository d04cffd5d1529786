# tests/e2e/t0950-signals.sh -- safe to stop, safe to run twice (issue 16): Ctrl-C and SIGTERM
# during apply, a second Ctrl-C, rollback of a journal already rolled back (or partly: the next
# rollback finishes it), and `journal show` leading with its summary and next step.
#
# Workload: a seed from tests/fixtures/gen-seed.sh (2 courses x 10 assignments, 20 pages, 3
# modules) and a recipe of shift_dates {days: 7} plus a replace_text in pages: about 90 changes,
# written as 2 bulk_updates and about 40 PUTs. canvas-sim runs with --latency-ms 100, so a run
# takes a couple of seconds and a signal sent after the first few writes lands with requests in
# flight and most of them still queued. Signals are sent when the simulator has answered a number
# of writes (GET /__sim/stats .writes), never after a sleep, so the cases do not depend on the
# machine's speed.
#
# Ctrl-C is a real one: python3's pty module runs coursectl on a pseudo-terminal (its controlling
# terminal, coursectl the foreground process group) and writes ^C (0x03) to the master side; the
# terminal's line discipline turns that into SIGINT, as a keyboard does. The helper reports
# "exit N" or "signal N": before issue 16 coursectl died by the signal ("signal 2", no message).
# With stdout piped (`| cat`), the same ^C ends the reader: the line must reach stderr and the exit
# code stay 130. SIGTERM is sent with kill to the process itself. After either, `apply --resume` must reach
# exactly the state of an uninterrupted run (whole /__sim/state dumps normalised with lib.sh's
# SIM_NORM, as t0920 compares them).

SG_LATENCY=100

sg_seed() {
	week_seed '[1001, 1002]' --courses 2 --assignments 10 --pages 20 --modules 3 --token test-token-1
}

# A reset simulator is another Canvas: the runs journaled against the old one are not this one's
# (rerun.c would leave out a shift they made; journal.c links a --journal file into the journal
# directory), so each reset starts a fresh journal directory, as another machine would have.
sim_reset() {
	curl -s -X POST "$SIM_URL/__sim/reset" >/dev/null
	SIM_RESETS=$((${SIM_RESETS:-0} + 1))
	export XDG_STATE_HOME="$LOGDIR/xdg-state-$SIM_RESETS"
}

# settle: no API request in progress (a killed client's too) and the bulk_update jobs due.
settle() {
	local i
	for i in $(seq 1 400); do
		if [ "$(stats .in_flight)" = 0 ]; then
			sleep 0.4   # the default --progress-delay-ms is 300
			curl -s "$SIM_URL/__sim/state" >/dev/null
			return 0
		fi
		sleep 0.01
	done
	fail "canvas-sim still has requests in flight: $(curl -s -m 5 "$SIM_URL/__sim/stats")"
}

# full_state OUT: an uninterrupted apply on the reset simulator, its state in $LOGDIR/OUT; sets
# FULL_WRITES. The simulator is reset again afterwards.
full_state() {
	sim_reset
	run full.out apply --yes --journal "$LOGDIR/full.jsonl" "$LOGDIR/recipe.yaml"
	expect_eq 0 "$RC" "uninterrupted apply ($(tail -n 3 "$LOGDIR/full.out.err"))"
	settle
	FULL_WRITES=$(stats .writes)
	state_snap "$1"
	sim_reset
}

# wait_writes N PID: until the simulator has answered N writes (or PID has ended).
wait_writes() {
	local w
	while :; do
		w=$(stats .writes)
		[ -n "$w" ] || fail "no answer from /__sim/stats"
		[ "$w" -lt "$1" ] || return 0
		kill -0 "$2" 2>/dev/null || return 0
		sleep 0.005
	done
}

# on_pty OUT WRITES CTRLC... -- coursectl ARGS: run coursectl on a pseudo-terminal, output in
# $LOGDIR/OUT; once the simulator has answered WRITES writes, type ^C, then once more after each
# further CTRLC delay (seconds) given. Sets PTY_END ("exit N" or "signal N").
on_pty() {
	local out=$1 writes=$2
	shift 2
	local delays=()
	while [ "$1" != -- ]; do
		delays+=("$1")
		shift
	done
	shift
	PTY_END=$(CANVAS_API_TOKEN=$TOKEN python3 - "$LOGDIR/$out" "$SIM_URL" "$writes" "${delays[*]:-}" \
		"$COURSECTL" "$@" --url "$SIM_URL" <<'EOF'
import json, os, pty, select, sys, time, urllib.request
out, url, writes, delays = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split()
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[5], sys.argv[5:])
buf = bytearray()
def drain(t):
    r, _, _ = select.select([fd], [], [], t)
    if r:
        try:
            d = os.read(fd, 65536)
        except OSError:
            return False
        if not d:
            return False
        buf.extend(d)
    return True
def answered():
    with urllib.request.urlopen(url + "/__sim/stats") as r:
        return json.load(r)["writes"]
alive = True
while alive and answered() < writes:
    alive = drain(0.005)
if alive:
    os.write(fd, b"\x03")
    for d in delays:
        end = time.monotonic() + float(d)
        while alive and time.monotonic() < end:
            alive = drain(0.01)
        if alive:
            os.write(fd, b"\x03")
while drain(0.2):
    pass
_, st = os.waitpid(pid, 0)
open(out, "wb").write(bytes(buf))
print("exit %d" % os.WEXITSTATUS(st) if os.WIFEXITED(st) else "signal %d" % os.WTERMSIG(st))
EOF
	)
}

# ---------------------------------------------------------------- Ctrl-C, SIGTERM, resume

test_ctrl_c_on_a_terminal_stops_in_order_and_resume_finishes() {
	sg_seed
	sim_start --seed "$LOGDIR/seed.json" --latency-ms "$SG_LATENCY"
	full_state full.json
	on_pty apply.out 5 -- apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/recipe.yaml"
	expect_eq "exit 130" "$PTY_END" "how coursectl ended after ^C"
	local out
	out=$(tr -d '\r' <"$LOGDIR/apply.out")
	expect_match "interrupted \(SIGINT\): [0-9]+ done, [0-9]+ in doubt(, [0-9]+ not sent)? — resume with \`coursectl apply --resume $LOGDIR/j.jsonl\` or undo with \`coursectl rollback $LOGDIR/j.jsonl\`" \
		"$out" "the interrupted line"
	[ "$(tail -n 1 "$LOGDIR/j.jsonl" | jq -r .type)" != footer ] || fail "an interrupted run has a footer"
	# the counts are the journal's: done outcomes, and no intent left without one unless in doubt
	local done_n doubt_n
	done_n=$(sed -n 's/.*(SIGINT): \([0-9]*\) done, \([0-9]*\) in doubt.*/\1/p' <<<"$out")
	doubt_n=$(sed -n 's/.*(SIGINT): \([0-9]*\) done, \([0-9]*\) in doubt.*/\2/p' <<<"$out")
	[ "$done_n" -gt 0 ] || fail "nothing done before the ^C: $out"
	expect_eq "$done_n" "$("$COURSECTL" journal show --format json "$LOGDIR/j.jsonl" | jq .counts.done)" \
		"done changes in the journal"
	expect_eq "$doubt_n" "$("$COURSECTL" journal show --format json "$LOGDIR/j.jsonl" | jq .counts.intent)" \
		"in-doubt changes in the journal"
	settle
	run resume.out apply --yes --resume "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "resume ($(tail -n 3 "$LOGDIR/resume.out.err"))"
	settle
	state_snap resumed.json
	state_same full.json resumed.json "resume after ^C"
}

test_sigterm_stops_in_order_and_resume_finishes() {
	sg_seed
	sim_start --seed "$LOGDIR/seed.json" --latency-ms "$SG_LATENCY"
	full_state full.json
	# one page's PUT takes 8 s, longer than the engine waits after a signal: it is given up and
	# stays in doubt, and resume finds it landed
	sim_post /__sim/script '{"method": "PUT", "path": "/api/v1/courses/1001/pages/*", "skip": 1,
		"action": "delay", "delay_ms": 8000}'
	local pid rc=0
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" apply --url "$SIM_URL" --yes --journal "$LOGDIR/j.jsonl" \
		"$LOGDIR/recipe.yaml" >"$LOGDIR/apply.out" 2>"$LOGDIR/apply.err" </dev/null &
	pid=$!
	wait_writes 5 "$pid"
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	expect_eq 130 "$rc" "exit code after SIGTERM"
	expect_match "^interrupted \(SIGTERM\): [0-9]+ done, [1-9][0-9]* in doubt.* — resume with \`coursectl apply --resume $LOGDIR/j.jsonl\` or undo with \`coursectl rollback $LOGDIR/j.jsonl\`$" \
		"$(tail -n 1 "$LOGDIR/apply.out")" "the last line"
	# journal show leads with how the run ended and what to run next; the per-change lines follow
	"$COURSECTL" journal show "$LOGDIR/j.jsonl" >"$LOGDIR/show.out"
	expect_match "^interrupted: [0-9]+ done, [1-9][0-9]* in doubt \(intent without outcome\), [0-9]+ not sent \(of 82 changes\)\$" \
		"$(head -n 1 "$LOGDIR/show.out")" "journal show's first line"
	expect_match "^next: coursectl apply --resume $LOGDIR/j.jsonl \(checks the [1-9][0-9]* in doubt against Canvas, writes the rest\), or coursectl rollback $LOGDIR/j.jsonl to undo the run\$" \
		"$(sed -n 2p "$LOGDIR/show.out")" "journal show's second line"
	grep -q '^  #' <(head -n 4 "$LOGDIR/show.out") && fail "per-change lines before the summary: $(head "$LOGDIR/show.out")"
	settle
	run resume.out apply --yes --resume "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "resume ($(tail -n 3 "$LOGDIR/resume.out.err"))"
	settle
	state_snap resumed.json
	state_same full.json resumed.json "resume after SIGTERM"
	"$COURSECTL" journal show "$LOGDIR/j.jsonl" >"$LOGDIR/show2.out"
	expect_eq "finished: 82 done (of 82 changes)" "$(head -n 1 "$LOGDIR/show2.out")" "journal show after the resume"
	expect_eq "next: nothing; coursectl rollback $LOGDIR/j.jsonl undoes the run" "$(sed -n 2p "$LOGDIR/show2.out")" \
		"its next step"
}

test_a_second_ctrl_c_aborts_at_once() {
	sg_seed
	sim_start --seed "$LOGDIR/seed.json" --latency-ms "$SG_LATENCY"
	full_state full.json
	# writes take 3 s: after the first ^C the run waits for the requests in flight, and the second
	# ^C, 0.3 s later, must not wait for them
	sim_post /__sim/script '{"method": "PUT", "path": "/api/*", "action": "delay", "delay_ms": 3000, "count": -1}'
	on_pty apply.out 1 0.3 -- apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/recipe.yaml"
	expect_eq "exit 130" "$PTY_END" "how coursectl ended after ^C ^C"
	local out
	out=$(tr -d '\r' <"$LOGDIR/apply.out")
	expect_match "aborted at once \(second signal\)" "$out" "the abort line"
	[[ $out != *"interrupted (SIGINT)"* ]] || fail "the second ^C waited for the run to stop: $out"
	settle
	curl -s -X DELETE "$SIM_URL/__sim/script" >/dev/null
	run resume.out apply --yes --resume "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "resume after an abort ($(tail -n 3 "$LOGDIR/resume.out.err"))"
	settle
	state_snap resumed.json
	state_same full.json resumed.json "resume after ^C ^C"
}

test_ctrl_c_with_stdout_piped_still_says_so_and_exits_130() {
	sg_seed
	sim_start --seed "$LOGDIR/seed.json" --latency-ms "$SG_LATENCY"
	# `coursectl apply ... | cat`: the ^C ends cat too, so stdout is a broken pipe by the time the
	# run has stopped; the line goes to stderr first, and the exit code stays 130. The shell traps
	# INT (so that it waits and reports; its children get the default action back)
	cat >"$LOGDIR/piped.sh" <<EOF
#!/bin/bash
trap 'true' INT
"$COURSECTL" "\$@" 2>"$LOGDIR/piped.err" | cat
echo "\${PIPESTATUS[0]} \${PIPESTATUS[1]}" >"$LOGDIR/piped.rc"
EOF
	chmod +x "$LOGDIR/piped.sh"
	COURSECTL=$LOGDIR/piped.sh on_pty apply.out 5 -- apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/recipe.yaml"
	expect_eq "130 130" "$(cat "$LOGDIR/piped.rc")" "exit codes of coursectl and cat"
	expect_match "coursectl: error: interrupted \(SIGINT\): [0-9]+ done, [0-9]+ in doubt.* — resume with \`coursectl apply --resume $LOGDIR/j.jsonl\`" \
		"$(cat "$LOGDIR/piped.err")" "the line on stderr"
}

# ---------------------------------------------------------------- rollback twice

# writes_since SEQ: the writes (not GET) in the simulator's request log from SEQ on, one a line
writes_since() {
	curl -s "$SIM_URL/__sim/requests?since=$1" | jq -r '.[] | select(.method != "GET") | "\(.method) \(.path)"'
}

log_seq() {
	curl -s "$SIM_URL/__sim/requests" | jq 'if length > 0 then .[-1].seq + 1 else 0 end'
}

test_rollback_twice_sends_nothing_the_second_time() {
	sg_seed
	sim_start --seed "$LOGDIR/seed.json"
	state_snap seed.json
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/recipe.yaml"
	expect_eq 0 "$RC" "apply ($(tail -n 3 "$LOGDIR/apply.out.err"))"
	run rb1.out rollback --yes --journal "$LOGDIR/b1.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "first rollback ($(tail -n 3 "$LOGDIR/rb1.out.err"))"
	settle
	state_snap back.json
	state_same seed.json back.json "the first rollback"
	local seq
	seq=$(log_seq)
	run rb2.out rollback --yes --journal "$LOGDIR/b2.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "second rollback ($(tail -n 3 "$LOGDIR/rb2.out.err"))"
	expect_match "^Already rolled back: $LOGDIR/j.jsonl was rolled back by $LOGDIR/b1.jsonl at [0-9T:Z-]+ \(82 changes\); nothing was sent\$" \
		"$(tail -n 1 "$LOGDIR/rb2.out")" "the second rollback's line"
	expect_eq "" "$(writes_since "$seq")" "writes of the second rollback"
	expect_eq 0 "$(curl -s "$SIM_URL/__sim/requests?since=$seq" | jq length)" "requests of the second rollback"
	[ ! -e "$LOGDIR/b2.jsonl" ] || fail "the second rollback wrote a journal"
	# journal show says who undid the run, first
	"$COURSECTL" journal show "$LOGDIR/j.jsonl" >"$LOGDIR/show.out"
	expect_match "rolled back by $LOGDIR/b1.jsonl" "$(head -n 3 "$LOGDIR/show.out")" "journal show's first lines"
	# undoing the rollback puts the changes back: then the run can be rolled back again
	run rbb.out rollback --yes --journal "$LOGDIR/c1.jsonl" "$LOGDIR/b1.jsonl"
	expect_eq 0 "$RC" "rollback of the rollback ($(tail -n 3 "$LOGDIR/rbb.out.err"))"
	run rb3.out rollback --yes --journal "$LOGDIR/b3.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback after the rollback was undone ($(tail -n 3 "$LOGDIR/rb3.out.err"))"
	expect_match "^Rolled back with 82 changes" "$(tail -n 1 "$LOGDIR/rb3.out")" "the third rollback's summary"
	settle
	state_snap back3.json
	state_same seed.json back3.json "the rollback after the undone rollback"
}

test_interrupted_rollback_is_finished_by_the_next_one() {
	sg_seed
	sim_start --seed "$LOGDIR/seed.json" --latency-ms "$SG_LATENCY"
	state_snap seed.json
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/recipe.yaml"
	expect_eq 0 "$RC" "apply ($(tail -n 3 "$LOGDIR/apply.out.err"))"
	settle
	local pid rc=0 w0
	w0=$(stats .writes)
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" rollback --url "$SIM_URL" --yes --journal "$LOGDIR/b1.jsonl" \
		"$LOGDIR/j.jsonl" >"$LOGDIR/rb1.out" 2>"$LOGDIR/rb1.err" </dev/null &
	pid=$!
	wait_writes $((w0 + 5)) "$pid"
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	expect_eq 130 "$rc" "the interrupted rollback's exit code"
	expect_match "^interrupted \(SIGTERM\): .* resume with \`coursectl apply --resume $LOGDIR/b1.jsonl\`" \
		"$(tail -n 1 "$LOGDIR/rb1.out")" "the interrupted rollback's line"
	settle
	run rb2.out rollback --yes "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "the second rollback ($(tail -n 3 "$LOGDIR/rb2.out.err"))"
	expect_match "partly rolled back by $LOGDIR/b1.jsonl at [0-9T:Z-]+ \([0-9]+ of 82 changes undone\); finishing" \
		"$(cat "$LOGDIR/rb2.out.err")" "the second rollback says it finishes the first"
	settle
	state_snap back.json
	state_same seed.json back.json "the finished rollback"
	local seq
	seq=$(log_seq)
	run rb3.out rollback --yes "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "a third rollback"
	expect_match "^Already rolled back: " "$(tail -n 1 "$LOGDIR/rb3.out")" "the third rollback's line"
	expect_eq "" "$(writes_since "$seq")" "writes of the third rollback"
}

# tests/e2e/t0710-recipe-limits.sh -- `coursectl validate` on hostile recipes: each is refused with
# one clear error at its place, exit 1, and quickly (under 2 s of wall time, sanitizer builds
# included), instead of eating memory or time. The limits are in include/recipe.h.

# run_validate FILE: sets RC, ERR (stderr) and MS (wall milliseconds)
run_validate() {
	local t0 t1
	RC=0
	t0=$(date +%s%N)
	"$COURSECTL" validate "$1" >"$LOGDIR/out" 2>"$LOGDIR/err" || RC=$?
	t1=$(date +%s%N)
	MS=$(((t1 - t0) / 1000000))
	ERR=$(cat "$LOGDIR/err")
}

expect_fast() {
	[ "$MS" -lt 2000 ] || fail "validate took ${MS} ms (limit 2000)"
}

test_ten_megabyte_recipe() {
	local f=$LOGDIR/big.yaml
	{ echo "version: 1"; echo "steps: []"; } >"$f"
	# a comment to 10 MiB: valid YAML, so only the size can be the problem
	head -c $((10 * 1024 * 1024 - $(wc -c <"$f"))) /dev/zero | tr '\0' '#' >>"$f"
	expect_eq 10485760 "$(wc -c <"$f")" "file size"
	run_validate "$f"
	expect_eq 1 "$RC" "exit code"
	expect_eq "$f:1:1: error: the recipe is 10485760 bytes; the limit is 1048576" "$ERR" "message"
	[ ! -s "$LOGDIR/out" ] || fail "stdout: $(cat "$LOGDIR/out")"
	expect_fast
}

test_alias_bomb() {
	local f=$LOGDIR/bomb.yaml prev=l0 i j line
	{
		echo "version: 1"
		echo "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"
		for i in 1 2 3 4 5 6 7 8 9; do
			line="l$i: &l$i ["
			for j in 0 1 2 3 4 5 6 7 8 9; do
				line="$line*$prev"
				[ "$j" = 9 ] || line="$line, "
			done
			echo "$line]"
			prev=l$i
		done
		echo "steps: [{name: x, modules: *l9}]"
	} >"$f"
	run_validate "$f"
	expect_eq 1 "$RC" "exit code"
	# the 8th alias of l4 is the one past 100000 nodes (l3 is 11111 nodes a copy)
	expect_eq "$f:6:45: error: aliases expand the recipe past 100000 nodes; refusing it" "$ERR" "message"
	expect_fast
}

test_deep_nesting() {
	local f=$LOGDIR/deep.yaml
	# 1000 nested lists; the root mapping is level 1, so the 64th '[' (column 11 + 63) is level 65
	printf 'version: 1\nsteps: %s%s\n' "$(printf '[%.0s' $(seq 1000))" \
		"$(printf ']%.0s' $(seq 1000))" >"$f"
	run_validate "$f"
	expect_eq 1 "$RC" "exit code"
	expect_eq "$f:2:$((8 + 63)): error: nesting deeper than 64 levels" "$ERR" "message"
	expect_fast
}

test_deep_block_nesting() {
	local f=$LOGDIR/deep-block.yaml i
	{
		echo "version: 1"
		echo "vars:"
		for i in $(seq 1 70); do
			printf '%*sk%d:\n' $((2 * i)) '' "$i"
		done
	} >"$f"
	run_validate "$f"
	expect_eq 1 "$RC" "exit code"
	# vars: is level 2, k1's mapping level 3, ...: the mapping that starts at k63 is level 65
	expect_eq "$f:65:127: error: nesting deeper than 64 levels" "$ERR" "message"
	expect_fast
}

test_many_courses_from_a_file() {
	local f=$LOGDIR/r.yaml
	seq 100000 300000 >"$LOGDIR/courses.txt"
	echo 100007 >>"$LOGDIR/courses.txt"
	printf 'version: 1\ncourses: {from_file: courses.txt}\nsteps: []\n' >"$f"
	run_validate "$f"
	expect_eq 1 "$RC" "exit code"
	expect_match "courses.txt:200002:1: error: course '100007' is listed twice \(first at line 8\)" \
		"$ERR" "repeat"
	expect_match "r.yaml:3:8: error: 'steps' is an empty list" "$ERR" "steps"
	expect_fast
}

test_fifo_is_refused_not_waited_on() {
	# a named pipe as from_file/body_file used to block validate in open() forever
	mkfifo "$LOGDIR/pipe"
	printf 'version: 1\ncourses: {from_file: pipe}\nsteps:\n  - pages: {where: {url: a}, body_file: pipe}\n' \
		>"$LOGDIR/r.yaml"
	local rc=0
	timeout 5 "$COURSECTL" validate "$LOGDIR/r.yaml" 2>"$LOGDIR/err" || rc=$?
	expect_eq 1 "$rc" "exit code (124 would be a hang)"
	grep -q "r.yaml:2:22: error: 'courses.from_file' '.*pipe' is not a regular file" "$LOGDIR/err" ||
		fail "from_file message: $(cat "$LOGDIR/err")"
	grep -q "r.yaml:4:41: error: .*is not a regular file" "$LOGDIR/err" || fail "body_file message: $(cat "$LOGDIR/err")"
}

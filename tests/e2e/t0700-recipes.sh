# tests/e2e/t0700-recipes.sh -- `coursectl validate` on the example recipes and the fixtures, and
# docs/recipe.schema.json agreeing with it.
#
#   recipes/*.yaml, tests/fixtures/recipes/good/*.yaml   validate exits 0 and prints
#       "FILE: ok (N steps, M courses)"; a good fixture's "# expect: ok (...)" line gives N and M
#   tests/fixtures/recipes/bad/*.yaml                     validate exits 1 and prints, for each
#       "# expect: LINE:COL: TEXT" line, an error "FILE:LINE:COL: error: ...TEXT..."
#   the schema (tests/e2e/schema-check.py)                valid exactly when validate exits 0, except
#       for a bad fixture marked "# schema: valid": its error (an undefined variable, a missing
#       file, a duplicate key...) is beyond what JSON Schema can say, so the schema accepts it.
# Every case that needs no Canvas runs without canvas-sim.

SCHEMA=$ROOT/docs/recipe.schema.json
SCHEMA_CHECK=$ROOT/tests/e2e/schema-check.py
# Debian's interpreter, the one `make deps` installs the modules for (not a pyenv or venv python)
PYTHON=${PYTHON:-/usr/bin/python3}
RFIX=tests/fixtures/recipes

# validate_ok FILE: exit 0 and the "ok" line; with the fixture's "# expect: ok (...)" line, exactly it.
validate_ok() {
	local f=$1 out rc=0 want
	out=$("$COURSECTL" validate "$f" 2>"$LOGDIR/err") || rc=$?
	[ "$rc" = 0 ] || { echo "$f: exit $rc, want 0:"; cat "$LOGDIR/err"; return 1; }
	want=$(sed -n 's/^# expect: \(ok (.*)\)$/\1/p' "$f" | head -n 1)
	if [ -n "$want" ]; then
		[ "$out" = "$f: $want" ] || { echo "$f: printed '$out', want '$f: $want'"; return 1; }
	else
		[[ $out =~ ^"$f: ok ("[0-9]+" step"s?", "[0-9]+" course"s?")"$ ]] ||
			{ echo "$f: printed '$out'"; return 1; }
	fi
}

# validate_bad FILE: exit 1 and every "# expect: LINE:COL: TEXT" as "FILE:LINE:COL: error: ...TEXT".
validate_bad() {
	local f=$1 rc=0 n=0 pos text line
	"$COURSECTL" validate "$f" >"$LOGDIR/out" 2>"$LOGDIR/err" || rc=$?
	[ "$rc" = 1 ] || { echo "$f: exit $rc, want 1"; return 1; }
	[ ! -s "$LOGDIR/out" ] || { echo "$f: printed on stdout: $(cat "$LOGDIR/out")"; return 1; }
	while IFS= read -r line; do
		pos=${line%%: *}
		text=${line#*: }
		n=$((n + 1))
		if ! grep -qF -- "$f:$pos: error: " "$LOGDIR/err" ||
			! grep -F -- "$f:$pos: error: " "$LOGDIR/err" | grep -qF -- "$text"; then
			echo "$f: no error '$f:$pos: error: ...$text'; got:"
			cat "$LOGDIR/err"
			return 1
		fi
	done < <(sed -n 's/^# expect: \([0-9]*:[0-9]*: .*\)$/\1/p' "$f")
	[ "$n" -gt 0 ] || { echo "$f: no '# expect: LINE:COL: MESSAGE' line"; return 1; }
}

each() {
	local fn=$1 f bad=0
	shift
	for f in "$@"; do
		[ -e "$f" ] || fail "no file matches $f"
		"$fn" "$f" || bad=$((bad + 1))
	done
	[ "$bad" = 0 ] || fail "$bad of $# files failed"
}

# schema_agrees FILE...: the schema's verdict equals validate's (or the fixture's "# schema: valid").
schema_agrees() {
	local f verdict rc want bad=0
	"$PYTHON" "$SCHEMA_CHECK" "$SCHEMA" "$@" >"$LOGDIR/schema" || true
	for f in "$@"; do
		verdict=$(grep -F -- "$f: " "$LOGDIR/schema" | head -n 1)
		verdict=${verdict#"$f: "}
		verdict=${verdict%%:*}
		[ -n "$verdict" ] || { echo "$f: no verdict from schema-check.py"; bad=$((bad + 1)); continue; }
		rc=0
		"$COURSECTL" validate "$f" >/dev/null 2>"$LOGDIR/err" || rc=$?
		if grep -qx '# schema: valid' "$f"; then
			want="valid (schema) / exit 1 (validate)"
			[ "$verdict" = valid ] && [ "$rc" = 1 ] && continue
		else
			want="the same verdict"
			[ "$verdict" = valid ] && [ "$rc" = 0 ] && continue
			[ "$verdict" = invalid ] && [ "$rc" = 1 ] && continue
		fi
		echo "$f: schema says $verdict, validate exits $rc; want $want"
		grep -F -- "$f: " "$LOGDIR/schema" | sed 's/^/    schema: /'
		sed 's/^/    validate: /' "$LOGDIR/err"
		bad=$((bad + 1))
	done
	[ "$bad" = 0 ] || fail "$bad of $# files: schema and validate disagree"
}

# ---------------------------------------------------------------- (a) good recipes

test_example_recipes_validate() {
	local files=(recipes/*.yaml)
	[ "${#files[@]}" -ge 5 ] || fail "expected at least 5 recipes in recipes/, found ${#files[@]}"
	each validate_ok "${files[@]}"
}

test_good_fixtures_validate() {
	local files=($RFIX/good/*.yaml)
	[ "${#files[@]}" -ge 3 ] || fail "expected at least 3 good fixtures"
	each validate_ok "${files[@]}"
}

# ---------------------------------------------------------------- (b) bad fixtures

test_bad_fixtures_report_each_error() {
	local files=($RFIX/bad/*.yaml)
	[ "${#files[@]}" -ge 12 ] || fail "expected at least 12 bad fixtures"
	each validate_bad "${files[@]}"
}

test_expect_lines_are_checked() {
	# the harness itself: a wrong expectation must fail, or every bad fixture would pass vacuously
	cp $RFIX/bad/version-2.yaml "$LOGDIR/wrong.yaml"
	sed -i '1s/.*/# expect: 3:10: a message coursectl never prints/' "$LOGDIR/wrong.yaml"
	if validate_bad "$LOGDIR/wrong.yaml" >/dev/null; then
		fail "validate_bad accepted a wrong expectation"
	fi
	sed -i '1s/.*/# expect: 9:9: this coursectl reads recipe version 1/' "$LOGDIR/wrong.yaml"
	if validate_bad "$LOGDIR/wrong.yaml" >/dev/null; then
		fail "validate_bad accepted a wrong position"
	fi
}

# ---------------------------------------------------------------- (c) the schema

test_schema_is_a_valid_2020_12_schema() {
	"$PYTHON" -c '
import json, sys, jsonschema
s = json.load(open(sys.argv[1]))
assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema", s["$schema"]
jsonschema.Draft202012Validator.check_schema(s)
' "$SCHEMA" || fail "docs/recipe.schema.json is not a valid draft 2020-12 schema"
}

test_schema_accepts_examples_and_good_fixtures() {
	# independent of the action parsers: what we ship as good must satisfy the schema
	"$PYTHON" "$SCHEMA_CHECK" "$SCHEMA" recipes/*.yaml $RFIX/good/*.yaml >"$LOGDIR/schema" ||
		fail "schema rejects: $(grep ': invalid' "$LOGDIR/schema")"
}

test_schema_agrees_with_validate_on_bad_fixtures() {
	schema_agrees $RFIX/bad/*.yaml
}

test_schema_agrees_with_validate_on_good_fixtures() {
	schema_agrees $RFIX/good/*.yaml
}

test_schema_agrees_with_validate_on_recipes() {
	schema_agrees recipes/*.yaml
}

test_schema_documents_every_key() {
	# every property the schema names appears in docs/recipes.md as `key`
	local missing
	missing=$("$PYTHON" -c '
import json, sys
doc = open(sys.argv[2]).read()
keys = set()
def walk(n):
    if isinstance(n, dict):
        for k, v in n.get("properties", {}).items():
            keys.add(k)
        for v in n.values():
            walk(v)
    elif isinstance(n, list):
        for v in n:
            walk(v)
walk(json.load(open(sys.argv[1])))
print(" ".join(sorted(k for k in keys if "`%s`" % k not in doc and "`%s:" % k not in doc)))
' "$SCHEMA" docs/recipes.md)
	[ -z "$missing" ] || fail "keys in the schema but not in docs/recipes.md: $missing"
}

# doc_examples DIR: write each complete recipe of docs/recipes.md (a ```yaml block that starts with
# "version: 1" and has steps) to DIR/exN.yaml; print how many.
doc_examples() {
	mkdir -p "$1"
	awk -v dir="$1" '
		/^```yaml$/ { inblock = 1; text = ""; next }
		/^```$/ && inblock {
			inblock = 0
			if (text ~ /^version: 1[ \n]/ && text ~ /\nsteps:/) {
				n++; f = dir "/ex" n ".yaml"; printf "%s", text > f; close(f)
			}
			next
		}
		inblock { text = text $0 "\n" }
		END { print n + 0 }' docs/recipes.md
}

test_doc_examples_satisfy_schema() {
	local n
	n=$(doc_examples "$LOGDIR/doc")
	[ "$n" -ge 2 ] || fail "expected complete example recipes in docs/recipes.md, found $n"
	"$PYTHON" "$SCHEMA_CHECK" "$SCHEMA" "$LOGDIR"/doc/*.yaml >"$LOGDIR/schema" ||
		fail "schema rejects a docs example: $(grep ': invalid' "$LOGDIR/schema")"
}

test_doc_examples_validate() {
	doc_examples "$LOGDIR/doc" >/dev/null
	each validate_ok "$LOGDIR"/doc/*.yaml
}

test_schema_and_validate_agree_on_actions() {
	# one action mistake (or a valid corner) a line: "valid|invalid <tab> a step as flow YAML";
	# the schema and coursectl validate must both give the verdict
	local want step n=0 verdict rc bad=0
	while IFS=$'\t' read -r want step; do
		[ -n "$want" ] || continue
		n=$((n + 1))
		printf 'version: 1\nvars: {n: 3}\nsteps:\n  - %s\n' "$step" >"$LOGDIR/a$n.yaml"
		echo "$want" >"$LOGDIR/a$n.want"
	done <<'CASES'
valid	{shift_dates: {days: 7}}
valid	{shift_dates: {days: "${n}"}}
invalid	{shift_dates: {days: 0}}
invalid	{shift_dates: {days: 4000}}
invalid	{shift_dates: {}}
invalid	{shift_dates: {from: {start: 2025-08-25, end: 2025-12-12}}}
valid	{shift_dates: {from: {start: 2025-08-25, end: 2025-12-12}, to: {start: 2026-01-12}}}
invalid	{shift_dates: {from: {start: 2025-08-25T08:00, end: 2025-12-12}, to: {start: 2026-01-12}}}
invalid	{shift_dates: {days: 7, from: {start: 2025-08-25, end: 2025-12-12}, to: {start: 2026-01-12}}}
invalid	{shift_dates: {days: 7, weekdays: {mon: tue}}}
invalid	{shift_dates: {from: {start: 2025-08-25, end: 2025-12-12}, to: {start: 2026-01-12}, weekdays: {mon: tuesday}}}
invalid	{shift_dates: {days: 7, only: []}}
invalid	{shift_dates: {days: 7, only: [pages, pages]}}
invalid	{shift_dates: {days: 7, only: [syllabus]}}
invalid	{shift_dates: {days: 7, seconds: round}}
invalid	{shift_dates: {days: 7, blackouts: [{start: 2026-03-16, end: 2026-03-20, move: later}]}}
invalid	{shift_dates: {days: 7, where: {name: a, title: b}}}
invalid	{shift_dates: {days: 7, where: {url: x}}}
valid	{shift_dates: {days: 7, where: {due_at: {after: 2025-09-01}}, time_zone: America/Denver}}
invalid	{shift_dates: {days: 7, where: {due_at: {}}}}
valid	{schedule: {term: {start: 2026-01-12, end: 2026-05-01}, rules: [{kind: assignments, where: {name: 'PS (\\d+)'}, week: $1, set: {due_at: thu 23:59, lock_at: due_at + 2 days}}]}}
valid	{schedule: {rules: [{kind: [modules], week: 3, set: {unlock_at: {weekday: mon, time: "06:00"}}}]}}
invalid	{schedule: {}}
invalid	{schedule: {rules: []}}
invalid	{schedule: {rules: [{kind: syllabus, week: 3, set: {due_at: thu 23:59}}]}}
invalid	{schedule: {rules: [{kind: pages, set: {todo_date: {weekday: someday, time: "09:00"}}}]}}
invalid	{schedule: {term: {start: 2026-01-12}, rules: [{kind: pages, week: 1, set: {todo_date: mon 09:00}}]}}
invalid	{schedule: {overrides: always, rules: [{kind: pages, week: 1, set: {todo_date: mon 09:00}}]}}
invalid	{schedule: {rules: [{kind: pages, week: 1, set: {todo_date: mon 09:00}, when: now}]}}
invalid	{modules: {}}
invalid	{modules: {where: {name: x}}}
valid	{modules: {absent: [Sandbox]}}
invalid	{modules: {set: {position: 0}}}
valid	{modules: {set: {unlock_at: null, prerequisites: []}}}
invalid	{modules: {rename: {pattern: x}}}
invalid	{modules: {rename: {pattern: '(x)', with: '${1}'}}}
valid	{modules: {rename: {pattern: '(x)', with: '$1 $$'}}}
invalid	{modules: {items: {set: {completion: {type: min_score}}}}}
invalid	{modules: {items: {set: {completion: {type: must_view, min_score: 5}}}}}
valid	{modules: {items: {where: {type: [Page, Quiz]}, set: {completion: none, indent: 5}}}}
invalid	{modules: {items: {where: {type: page}, set: {indent: 1}}}}
invalid	{modules: {items: {set: {indent: 6}}}}
invalid	{modules: {ensure: [{position: 1}]}}
invalid	{modules: {ensure: [{name: A, items: [{page: a, quiz: b}]}]}}
valid	{modules: {ensure: [{name: A, items: [{url: 'https://x.example', title: X}, {header: H}]}]}}
invalid	{pages: {where: {url: a}}}
invalid	{pages: {body_file: a.html, replace: [{pattern: a, with: b}]}}
invalid	{pages: {set: {front_page: false}}}
invalid	{pages: {set: {editing_roles: 'teachers,admins'}}}
valid	{pages: {set: {editing_roles: 'teachers,students', publish_at: null}}}
invalid	{pages: {create: true, set: {title: T}}}
invalid	{pages: {create: true, where: {url: [a, b]}, set: {title: T}}}
invalid	{pages: {create: true, where: {url: a}, set: {published: true}}}
valid	{pages: {create: true, where: {url: t}, set: {title: T}}}
invalid	{pages: {replace: []}}
invalid	{pages: {replace: [{pattern: a, with: b, flags: ii}]}}
invalid	{pages: {replace: [{pattern: a, with: b, flags: g}]}}
invalid	{replace_text: {pattern: a, with: b}}
invalid	{replace_text: {in: [], pattern: a, with: b}}
invalid	{replace_text: {in: [pages, pages], pattern: a, with: b}}
invalid	{replace_text: {in: [modules], pattern: a, with: b}}
invalid	{replace_text: {in: [pages], pattern: a}}
invalid	{replace_text: {in: [pages], pattern: a, with: b, replace: [{pattern: c, with: d}]}}
invalid	{replace_text: {in: [pages], literal: true, replace: [{pattern: c, with: d}]}}
valid	{replace_text: {in: [pages], replace: [{pattern: c, with: d, literal: true}], fields: [body, title]}}
invalid	{replace_text: {in: [pages], pattern: a, with: b, fields: [name]}}
invalid	{replace_text: {in: [pages], pattern: a, with: b, where: {position: 1}}}
invalid	{shift_dates: {days: 7, weekdays: {}}}
invalid	{shift_dates: {days: 7, blackouts: [{start: 2026-03-16}]}}
invalid	{shift_dates: {days: 7, blackouts: [{start: '2026-03-16T00:00', end: 2026-03-20}]}}
valid	{shift_dates: {days: 7, blackouts: [], time_zone: UTC}}
invalid	{shift_dates: {days: 7, where: {kind: pages}}}
invalid	{modules: {set: {}}}
invalid	{modules: {ensure: []}}
invalid	{modules: {absent: []}}
invalid	{modules: {absent: [A, A]}}
invalid	{modules: {set: {prerequisites: [A, A]}}}
invalid	{modules: {items: {where: {type: Page}}}}
invalid	{modules: {items: {where: {type: [Page, Page]}, set: {indent: 0}}}}
invalid	{modules: {ensure: [{name: A, items: [{url: x}]}]}}
invalid	{modules: {ensure: [{name: A, position: 0}]}}
invalid	{modules: {where: {title: a}, set: {published: true}}}
valid	{modules: {items: {where: {content: x}, set: {completion: {type: min_score, min_score: 70.5}}}}}
invalid	{modules: {items: {set: {completion: {type: min_score, min_score: -1}}}}}
valid	{modules: {set: {unlock_at: 2026-06-01}}}
valid	{pages: {set: {editing_roles: 'teachers, students', todo_date: 2026-01-16}}}
invalid	{pages: {set: {editing_roles: 'teachers,teachers'}}}
invalid	{pages: {where: {title: a, name: b}, set: {published: true}}}
valid	{replace_text: {in: [pages], pattern: a, with: ""}}
invalid	{replace_text: {in: [pages], pattern: a, with: }}
invalid	{replace_text: {in: [pages], replace: []}}
invalid	{replace_text: {in: [pages], pattern: a, with: b, fields: []}}
valid	{replace_text: {in: [pages], pattern: a, with: '$1', literal: true}}
CASES
	"$PYTHON" "$SCHEMA_CHECK" "$SCHEMA" "$LOGDIR"/a*.yaml >"$LOGDIR/schema" || true
	for i in $(seq 1 "$n"); do
		want=$(cat "$LOGDIR/a$i.want")
		verdict=$(grep -F "$LOGDIR/a$i.yaml: " "$LOGDIR/schema" | sed 's/^[^ ]*: \([a-z]*\).*/\1/')
		rc=0
		"$COURSECTL" validate "$LOGDIR/a$i.yaml" >/dev/null 2>"$LOGDIR/a$i.err" || rc=$?
		if [ "$verdict" != "$want" ] || { [ "$want" = valid ] && [ "$rc" != 0 ]; } ||
			{ [ "$want" = invalid ] && [ "$rc" != 1 ]; }; then
			echo "want $want; schema: $verdict, validate: exit $rc: $(sed -n 4p "$LOGDIR/a$i.yaml")"
			cat "$LOGDIR/a$i.err"
			bad=$((bad + 1))
		fi
	done
	[ "$n" -ge 50 ] || fail "only $n cases"
	[ "$bad" = 0 ] || fail "$bad of $n cases judged wrongly"
}

# ---------------------------------------------------------------- (d) the command line

test_two_files_report_both() {
	local rc=0
	"$COURSECTL" validate $RFIX/bad/version-2.yaml $RFIX/bad/empty-steps.yaml >"$LOGDIR/out" 2>"$LOGDIR/err" || rc=$?
	expect_eq 1 "$rc" "exit code"
	grep -qF "$RFIX/bad/version-2.yaml:3:10: error: this coursectl reads recipe version 1" "$LOGDIR/err" ||
		fail "first file's error missing: $(cat "$LOGDIR/err")"
	grep -qF "$RFIX/bad/empty-steps.yaml:4:8: error: 'steps' is an empty list" "$LOGDIR/err" ||
		fail "second file's error missing: $(cat "$LOGDIR/err")"
}

test_var_wins_over_vars() {
	local rc=0
	cat >"$LOGDIR/v.yaml" <<'EOF'
version: 1
vars:
  course: CS101
courses:
  - ${course}
steps:
  - shift_dates: {days: 7}
EOF
	"$COURSECTL" validate "$LOGDIR/v.yaml" >/dev/null 2>"$LOGDIR/err" || rc=$?
	expect_eq 1 "$rc" "exit code without --var"
	grep -qF "$LOGDIR/v.yaml:5:5: error: 'CS101' is not a course id" "$LOGDIR/err" ||
		fail "vars: value not used: $(cat "$LOGDIR/err")"
	rc=0
	"$COURSECTL" validate --var course=1234 "$LOGDIR/v.yaml" >/dev/null 2>"$LOGDIR/err" || rc=$?
	! grep -q 'is not a course id' "$LOGDIR/err" || fail "--var did not win: $(cat "$LOGDIR/err")"
	# the last --var of a name wins, in both spellings
	"$COURSECTL" validate --var course=1234 --var=course=CS202 "$LOGDIR/v.yaml" >/dev/null 2>"$LOGDIR/err" || true
	grep -qF "'CS202' is not a course id" "$LOGDIR/err" || fail "the last --var did not win: $(cat "$LOGDIR/err")"
}

test_var_override_makes_recipe_valid() {
	local out
	cat >"$LOGDIR/v.yaml" <<'EOF'
version: 1
vars:
  course: CS101
courses:
  - ${course}
steps:
  - shift_dates: {days: 7}
EOF
	out=$("$COURSECTL" validate --var course=1234 "$LOGDIR/v.yaml" 2>"$LOGDIR/err") || fail "exit $?: $(cat "$LOGDIR/err")"
	expect_eq "$LOGDIR/v.yaml: ok (1 step, 1 course)" "$out" "output"
}

test_var_without_equals_is_usage_error() {
	local rc a
	for a in "--var course" "--var=course" "--var =1" "--var"; do
		rc=0
		# shellcheck disable=SC2086
		"$COURSECTL" validate $a $RFIX/good/minimal.yaml >/dev/null 2>"$LOGDIR/err" || rc=$?
		expect_eq 64 "$rc" "exit code of 'validate $a'"
		grep -q -- '--var needs NAME=VALUE' "$LOGDIR/err" || fail "message for '$a': $(cat "$LOGDIR/err")"
	done
}

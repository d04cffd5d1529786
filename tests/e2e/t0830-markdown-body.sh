# tests/e2e/t0830-markdown-body.sh -- `pages: body_file: x.md` rendered with cmark-gfm (issue 8).
#
# The recipe lives in its own directory ($LOGDIR/repo, like a course repository) with its pages
# under pages/, and coursectl runs from another directory, so the relative body_file must resolve
# against the recipe. The seed is small-seed.json with course 4821 marked rewrite_html: canvas-sim
# then gives root-relative href/src back with its own address in front and re-serialises as
# Canvas's sanitizer does (<hr /> as <hr>, &quot; in text as '"'; API.md 7.4), so the body read
# back differs from what was sent.
# Cases:
#   - plan (exit 2), apply, then the simulator's state holds exactly the rendered HTML (heading,
#     table, autolink, strikethrough, code fence, raw <iframe>, UTF-8) in an edited page and in a
#     page created from Markdown; two plans before the apply are identical; a plan after the apply
#     with --detailed-exitcode exits 0 though the body read back is not byte for byte the one sent;
#   - editing the Markdown file makes the next plan list that page again (a real change is not
#     hidden by the comparison);
#   - a missing .md file: validate and plan exit 1 naming recipe.yaml:line:col of the value, and
#     nothing is written.

SEED_MD='.courses[0].rewrite_html = true'
C=/api/v1/courses/4821

cc() {
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" "$@"
}

# run OUT ARGS...: coursectl from $LOGDIR/elsewhere, stdout in $LOGDIR/OUT, stderr in OUT.err; sets RC.
run() {
	local out=$1
	shift
	RC=0
	mkdir -p "$LOGDIR/elsewhere"
	(cd "$LOGDIR/elsewhere" && cc "$@") >"$LOGDIR/$out" 2>"$LOGDIR/$out.err" </dev/null || RC=$?
}

write_repo() {
	mkdir -p "$LOGDIR/repo/pages"
	cat >"$LOGDIR/repo/recipe.yaml" <<'EOF'
version: 1
courses: [4821]
steps:
  - name: Syllabus from Markdown
    pages:
      where: {url: syllabus-policies}
      body_file: pages/syllabus.md
  - name: A welcome page from Markdown
    pages:
      where: {url: welcome}
      create: true
      body_file: pages/welcome.markdown
      set: {title: Welcome, published: true}
EOF
	printf '%s\n' '# Syllabus' '' \
		'| Week | Topic |' '|:-----|------:|' '| 1 | Kinematics |' '' \
		'Office hours: https://zoom.us/j/123456 ~~Fall 2025~~ Spring 2026.' '' \
		'See [the notes](/courses/4821/pages/reading-kinematics-notes).' '' \
		'---' '' '"Bring a calculator."' '' \
		'```c' 'if (a < b) return;' '```' '' \
		'<iframe src="https://www.youtube.com/embed/abc"></iframe>' >"$LOGDIR/repo/pages/syllabus.md"
	printf 'Caf\xc3\xa9 *ouvert* \xe2\x80\x94 bienvenue!\n' >"$LOGDIR/repo/pages/welcome.markdown"
}

SYLLABUS_HTML='<h1>Syllabus</h1>
<table>
<thead>
<tr>
<th align="left">Week</th>
<th align="right">Topic</th>
</tr>
</thead>
<tbody>
<tr>
<td align="left">1</td>
<td align="right">Kinematics</td>
</tr>
</tbody>
</table>
<p>Office hours: <a href="https://zoom.us/j/123456">https://zoom.us/j/123456</a> <del>Fall 2025</del> Spring 2026.</p>
<p>See <a href="/courses/4821/pages/reading-kinematics-notes">the notes</a>.</p>
<hr />
<p>&quot;Bring a calculator.&quot;</p>
<pre><code class="language-c">if (a &lt; b) return;
</code></pre>
<iframe src="https://www.youtube.com/embed/abc"></iframe>'
WELCOME_HTML=$(printf '<p>Caf\xc3\xa9 <em>ouvert</em> \xe2\x80\x94 bienvenue!</p>')

page_body() {
	state ".courses[0].pages[] | select(.url == \"$1\") | .body"
}

plan_changes() {
	jq -S 'del(.created_at)' "$LOGDIR/$1"
}

test_md_body_apply_then_plan_is_empty() {
	sim_start --seed "$(seed_with "$SEED_MD")"
	write_repo
	run p1.json plan --url "$SIM_URL" --format json --detailed-exitcode "$LOGDIR/repo/recipe.yaml"
	expect_eq 2 "$RC" "first plan exit code ($(cat "$LOGDIR/p1.json.err"))"
	run p2.json plan --url "$SIM_URL" --format json "$LOGDIR/repo/recipe.yaml"
	expect_eq 0 "$RC" "second plan exit code ($(cat "$LOGDIR/p2.json.err"))"
	[ "$(plan_changes p1.json)" = "$(plan_changes p2.json)" ] || fail "two plans of one recipe differ"
	expect_eq "$SYLLABUS_HTML" "$(jq -r '.changes[] | select(.field == "body") | .after' "$LOGDIR/p1.json")" \
		"planned body"
	expect_match 'Markdown rendered to HTML' \
		"$(jq -r '.changes[] | select(.field == "body") | .note' "$LOGDIR/p1.json")" "note"

	run apply.out apply --url "$SIM_URL" --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/repo/recipe.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq "$SYLLABUS_HTML" "$(page_body syllabus-policies)" "stored body of the edited page"
	expect_eq "$WELCOME_HTML" "$(page_body welcome)" "stored body of the created page"
	expect_eq "Welcome true" \
		"$(state '.courses[0].pages[] | select(.url == "welcome") | "\(.title) \(.published)"')" "created page"
	# what Canvas gives back is not what was sent: the link has the simulator's address now
	api GET "$C/pages/syllabus-policies"
	expect_match "href=\"$SIM_URL/courses/4821/pages/reading-kinematics-notes\"" "$(jb .body)" "read back"

	run p3.txt plan --url "$SIM_URL" --detailed-exitcode "$LOGDIR/repo/recipe.yaml"
	expect_eq 0 "$RC" "plan after apply exit code ($(cat "$LOGDIR/p3.txt") $(cat "$LOGDIR/p3.txt.err"))"
}

test_md_edit_is_planned_again() {
	sim_start --seed "$(seed_with "$SEED_MD")"
	write_repo
	run apply.out apply --url "$SIM_URL" --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/repo/recipe.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	printf 'Caf\xc3\xa9 *ferm\xc3\xa9*\n' >"$LOGDIR/repo/pages/welcome.markdown"
	run p.json plan --url "$SIM_URL" --format json --detailed-exitcode "$LOGDIR/repo/recipe.yaml"
	expect_eq 2 "$RC" "plan exit code ($(cat "$LOGDIR/p.json.err"))"
	expect_eq "1 welcome" \
		"$(jq -r '[.changes[] | select(.field == "body")] | "\(length) \(.[0].name | ascii_downcase)"' \
		"$LOGDIR/p.json")" "only the edited page's body"
	expect_eq "$(printf '<p>Caf\xc3\xa9 <em>ferm\xc3\xa9</em></p>\n')" \
		"$(jq -r '.changes[] | select(.field == "body") | .after' "$LOGDIR/p.json")" "new body"
}

test_md_missing_file_names_the_recipe_place() {
	sim_start --seed "$(seed_with "$SEED_MD")"
	write_repo
	rm "$LOGDIR/repo/pages/syllabus.md"
	run v.out validate "$LOGDIR/repo/recipe.yaml"
	expect_eq 1 "$RC" "validate exit code"
	expect_match \
		"^$LOGDIR/repo/recipe.yaml:7:18: error: cannot read 'pages.body_file' '$LOGDIR/repo/pages/syllabus.md': " \
		"$(cat "$LOGDIR/v.out.err")" "validate error"
	run p.out plan --url "$SIM_URL" "$LOGDIR/repo/recipe.yaml"
	expect_eq 1 "$RC" "plan exit code"
	expect_match "recipe.yaml:7:18: error: cannot read 'pages.body_file'" "$(cat "$LOGDIR/p.out.err")" \
		"plan error"
	expect_eq 0 "$(curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.method != "GET")] | length')" \
		"no write"
}

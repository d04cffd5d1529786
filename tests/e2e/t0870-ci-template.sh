# tests/e2e/t0870-ci-template.sh -- the CI workflows of recipes/ci-template/, run against canvas-sim.
#
# recipes/ci-template/ is a template repository (a recipe, Markdown pages, module structure with
# `ensure:`, courses.txt) with a GitHub Actions workflow and a GitLab CI file (docs/ci.md). These
# cases run the jobs of those two files as written, with tests/e2e/ci-run.py: the shell steps in
# order, in a copy of the template directory, with the environment the CI would give them
# (CANVAS_BASE_URL and CANVAS_API_TOKEN reach coursectl only through the files' own env:/variables
# wiring). What cannot run here is faked on PATH, in tests/e2e/ci-fakes/: `gh` (comments, the pull
# request of a commit, its runs and their artifacts) and `curl` to the GitLab API (notes, merge
# requests, pipelines, job artifacts); both record what they are sent and fail when a token
# reaches their command line. `coursectl` on PATH is the build under test, so the install steps
# find it and skip building (their build branch is not exercised here).
#
# Seed tests/fixtures/ci-seed.json: three new sections of DS 101 (6101, 6102, 6103), as
# courses.txt names them (an id, two SIS ids); 6101 has a Sandbox module the template deletes,
# 6102 an old Welcome page and a half-built "Start Here", 6103 nothing yet. Each has the
# "Introduce yourself" assignment and the discussion the template's module points at.
#
# Cases: the pull request → merge → pull request cycle on GitHub (exit 2 is "changes present",
# the comment is the Markdown plan, one comment edited in place, the merge applies the reviewed
# plan to all three courses, the journal artifact, the second plan has no changes); a Canvas edit
# between review and merge (apply reports the conflict, applies the rest, fails the job, keeps
# the journal; the next plan shows what is left); the merge job's refusals (template changed since
# the plan, a plan of another Canvas, a push without a pull request); the same cycle on GitLab;
# docs/ci.md shows both CI files byte for byte; the recipe validates (coursectl and the schema).

CI_SEED=$FIXTURES/ci-seed.json
CI_RUN=$ROOT/tests/e2e/ci-run.py
REPO_NAME=example/ds101-template
MERGE_SHA=4d2a91c0ffee4d2a91c0ffee4d2a91c0ffee4d2a
HEAD_SHA=aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44
TEST_MERGE_SHA=0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e  # refs/pull/17/merge, what a pull_request run checks out

# ci_setup: canvas-sim with the seed, the template copied to $REPO, the fakes and coursectl in
# $LOGDIR/bin, artifact and fake state directories. Skips when a feature the template needs has
# not been built (`plan --format markdown`, Markdown body_file rendering).
ci_setup() {
	"$COURSECTL" plan --help 2>&1 | grep -q markdown || skip "coursectl plan has no --format markdown yet"
	sim_start --seed "$CI_SEED"
	REPO=$LOGDIR/repo
	ART=$LOGDIR/artifacts
	FAKE_STATE=$LOGDIR/fake
	mkdir -p "$REPO" "$ART" "$FAKE_STATE" "$LOGDIR/bin"
	cp -a "$ROOT/recipes/ci-template/." "$REPO/"
	ln -s "$COURSECTL" "$LOGDIR/bin/coursectl"
	ln -s "$ROOT/tests/e2e/ci-fakes/gh" "$LOGDIR/bin/gh"
	ln -s "$ROOT/tests/e2e/ci-fakes/curl" "$LOGDIR/bin/curl"
	if (cd "$REPO" && CANVAS_API_TOKEN=$TOKEN "$COURSECTL" plan recipe.yaml --url "$SIM_URL" 2>&1) |
		grep -q 'does not turn into HTML'; then
		skip "coursectl does not render Markdown body_file pages yet"
	fi
	export FAKE_STATE FAKE_ARTIFACTS=$ART FAKE_CANVAS_TOKEN=$TOKEN FAKE_GH_TOKEN=ghs-fake-0123 \
		FAKE_PR=17 FAKE_MERGE_SHA=$MERGE_SHA FAKE_HEAD_SHA=$HEAD_SHA \
		FAKE_GITLAB_API=https://gitlab.example.edu/api/v4 FAKE_PROJECT=42 FAKE_GITLAB_TOKEN=glpat-fake-4567 \
		FAKE_MR=7
	unset CANVAS_API_TOKEN CANVAS_BASE_URL
}

# gh_job OUT JOB EVENT RUN_ID [--ctx NAME=VALUE]...: run a job of the GitHub workflow; its output
# in $LOGDIR/OUT, its step report in $LOGDIR/OUT.json, its artifacts in $ART/run-RUN_ID; sets RC.
gh_job() {
	local out=$1 job=$2 event=$3 run=$4
	shift 4
	RC=0
	(cd "$REPO" && PATH=$LOGDIR/bin:$PATH /usr/bin/python3 "$CI_RUN" github \
		.github/workflows/coursectl.yml "$job" \
		--artifacts "$ART/run-$run" --report "$LOGDIR/$out.json" \
		--ctx github.event_name="$event" --ctx github.repository=$REPO_NAME \
		--ctx github.event.pull_request.number=17 \
		--ctx github.event.pull_request.head.repo.full_name=$REPO_NAME \
		--ctx github.sha="$([ "$event" = push ] && echo $MERGE_SHA || echo $TEST_MERGE_SHA)" \
		--ctx github.ref="$([ "$event" = push ] && echo refs/heads/main || echo refs/pull/17/merge)" \
		--ctx github.run_id="$run" --ctx github.token="$FAKE_GH_TOKEN" \
		--ctx secrets.CANVAS_API_TOKEN="$TOKEN" --ctx vars.CANVAS_BASE_URL="$SIM_URL" "$@") \
		>"$LOGDIR/$out" 2>&1 || RC=$?
	# what GitHub would list for `gh run list --commit`: the pull request's successful plan runs
	if [ "$event" = pull_request ] && [ "$RC" = 0 ]; then
		echo "$run $HEAD_SHA success" >>"$FAKE_STATE/runs"
	fi
}

# gl_job OUT JOB SOURCE PIPELINE_ID [--var NAME=VALUE]...: the same for the GitLab file.
gl_job() {
	local out=$1 job=$2 source=$3 pipe=$4
	shift 4
	local branch=()
	[ "$source" = push ] && branch=(--var CI_COMMIT_BRANCH=main --var "CI_COMMIT_SHA=$MERGE_SHA")
	[ "$source" = merge_request_event ] && branch=(--var CI_MERGE_REQUEST_IID=7 --var "CI_COMMIT_SHA=$HEAD_SHA")
	RC=0
	(cd "$REPO" && PATH=$LOGDIR/bin:$PATH /usr/bin/python3 "$CI_RUN" gitlab .gitlab-ci.yml "$job" \
		--artifacts "$ART/pipeline-$pipe" --report "$LOGDIR/$out.json" \
		--var CI_PIPELINE_SOURCE="$source" --var CI_DEFAULT_BRANCH=main --var CI_PIPELINE_ID="$pipe" \
		--var CI_API_V4_URL="$FAKE_GITLAB_API" --var CI_PROJECT_ID="$FAKE_PROJECT" "${branch[@]}" \
		--var CANVAS_API_TOKEN="$TOKEN" --var CANVAS_BASE_URL="$SIM_URL" \
		--var GITLAB_API_TOKEN="$FAKE_GITLAB_TOKEN" "$@") >"$LOGDIR/$out" 2>&1 || RC=$?
	if [ "$source" = merge_request_event ] && [ "$job" = plan ] && [ "$RC" = 0 ]; then
		echo "$pipe $HEAD_SHA success" >>"$FAKE_STATE/pipelines"
	fi
}

step_rc() {
	jq -r --arg n "$2" '.[] | select(.name == $n) | .rc' "$LOGDIR/$1"
}

step_output() {
	jq -r --arg id "$2" --arg k "$3" '.[] | select(.id == $id) | .outputs[$k] // ""' "$LOGDIR/$1"
}

writes() {
	curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.method != "GET")] | length'
}

# The template's end state in one course: its three pages with their Markdown rendered as HTML,
# its modules in order, the items of Start Here in order, no Sandbox.
check_course() {
	local c=$1 s
	s=$(curl -s "$SIM_URL/__sim/state" | jq -c --argjson c "$c" '.courses[] | select(.id == $c)')
	expect_eq '["course-policies","getting-help","welcome"]' \
		"$(jq -c '[.pages[] | .url | select(IN("welcome", "course-policies", "getting-help"))] | sort' <<<"$s")" \
		"course $c: the template's pages"
	jq -r '.pages[] | select(.url == "welcome") | .body' <<<"$s" >"$LOGDIR/welcome.$c.html"
	jq -r '.pages[] | select(.url == "course-policies") | .body' <<<"$s" >"$LOGDIR/policies.$c.html"
	grep -q '<h1>Welcome to Introduction to Data Science</h1>' "$LOGDIR/welcome.$c.html" ||
		fail "course $c: the welcome page is not the rendered Markdown: $(head -c 300 "$LOGDIR/welcome.$c.html")"
	grep -q '<table>' "$LOGDIR/welcome.$c.html" || fail "course $c: the welcome page has no table"
	grep -q '<strong>Start here:</strong>' "$LOGDIR/welcome.$c.html" || fail "course $c: no bold text"
	grep -qF '<a href="https://www.example.edu/integrity">' "$LOGDIR/policies.$c.html" ||
		fail "course $c: the policies page's bare URL is not a link: $(head -c 300 "$LOGDIR/policies.$c.html")"
	! grep -q '^# \|\*\*' "$LOGDIR/welcome.$c.html" || fail "course $c: Markdown source left in the body"
	expect_eq 'true true' "$(jq -r '[.pages[] | select(.url == "welcome") | .published, .front_page] | join(" ")' \
		<<<"$s")" "course $c: the welcome page is published and the front page"
	expect_eq '["Start Here","Week 1: Questions and data","Week 2: Tables and types"]' \
		"$(jq -c '[.modules | sort_by(.position)[] | .name]' <<<"$s")" "course $c: the modules in order"
	expect_eq 'SubHeader:Welcome Page:welcome Page:course-policies Page:getting-help '\
'Assignment:Introduce yourself Discussion:Questions about the course' \
		"$(jq -r '[.modules[] | select(.name == "Start Here") | .items | sort_by(.position)[]
			| "\(.type):\(.page_url // .title)"] | join(" ")' <<<"$s")" "course $c: the items of Start Here"
	expect_eq 'true true false' "$(jq -r '[.modules | sort_by(.position)[] | .published] | join(" ")' <<<"$s")" \
		"course $c: published modules"
}

no_token_in() {
	! grep -rqF "$TOKEN" "$@" || fail "the Canvas token is in $(grep -rlF "$TOKEN" "$@" | head -3)"
}

test_github_pull_request_merge_cycle() {
	local body c
	ci_setup
	# 1. the pull request: changes present is a passing job, and the comment is the plan
	gh_job pr1 plan pull_request 101
	expect_eq 0 "$RC" "the plan job of the pull request ($(tail -n 20 "$LOGDIR/pr1"))"
	expect_eq 0 "$(step_rc pr1.json Plan)" "the Plan step (exit 2 of coursectl is not a failure)"
	expect_eq true "$(step_output pr1.json plan changes)" "the plan step's output"
	expect_eq 0 "$(writes)" "requests that write, after a plan"
	expect_eq 1 "$(jq length "$FAKE_STATE/comments.json")" "comments on the pull request"
	body=$(jq -r '.[0].body' "$FAKE_STATE/comments.json")
	expect_eq "$(cat "$REPO/plan.md")" "$body" "the comment is plan.md"
	expect_eq '<!-- coursectl plan -->' "$(head -n 1 <<<"$body")" "the comment's first line"
	for c in 6101 6102 6103; do
		grep -q "^| $c |" <<<"$body" || fail "the comment's table has no row for course $c: $(head -c 600 <<<"$body")"
	done
	grep -q '<details>' <<<"$body" || fail "the comment has no per-course details"
	grep -q 'Start Here' <<<"$body" || fail "the comment does not show the modules"
	# the Markdown plan is the one coursectl gives for the same recipe
	(cd "$REPO" && CANVAS_API_TOKEN=$TOKEN "$COURSECTL" plan recipe.yaml --url "$SIM_URL" --format markdown \
		>"$LOGDIR/direct.md" 2>/dev/null) || true
	expect_eq "$(cat "$LOGDIR/direct.md")" "$body" "the comment against a direct plan --format markdown"
	for f in plan.json plan.md template.sha256; do
		[ -s "$ART/run-101/coursectl-plan/$f" ] || fail "the plan artifact lacks $f: $(ls -R "$ART")"
	done
	expect_eq "$SIM_URL" "$(jq -r .base_url "$ART/run-101/coursectl-plan/plan.json")" "the plan's base_url"
	# 2. the merge: the reviewed plan is fetched and applied to the three courses
	gh_job push1 apply push 201
	expect_eq 0 "$RC" "the apply job on main ($(tail -n 30 "$LOGDIR/push1"))"
	grep -q 'reviewed on pull request #17 (run 101)' "$LOGDIR/push1" ||
		fail "the job did not say which plan it applies"
	grep -q 'gh run download 101 --name coursectl-plan' "$FAKE_STATE/calls.log" ||
		fail "the reviewed plan was not downloaded: $(cat "$FAKE_STATE/calls.log")"
	for c in 6101 6102 6103; do
		check_course "$c"
	done
	expect_eq '[]' "$(curl -s "$SIM_URL/__sim/state" | jq -c '[.courses[].modules[] | select(.name == "Sandbox")]')" \
		"the Sandbox module"
	expect_eq 600 "$(stat -c %a "$REPO/journal/apply-201.jsonl")" "the journal's mode"
	[ -s "$ART/run-201/coursectl-journal-201/apply-201.jsonl" ] || fail "no journal artifact: $(ls -R "$ART/run-201")"
	cmp -s "$REPO/journal/apply-201.jsonl" "$ART/run-201/coursectl-journal-201/apply-201.jsonl" ||
		fail "the journal artifact is not the journal"
	grep -q '"welcome"' "$ART/run-201/coursectl-journal-201/apply-201.jsonl" || fail "the journal does not hold the run"
	# 3. the next pull request: nothing to change, exit 0, the same comment edited
	gh_job pr2 plan pull_request 102
	expect_eq 0 "$RC" "the second plan job ($(tail -n 20 "$LOGDIR/pr2"))"
	expect_eq false "$(step_output pr2.json plan changes)" "changes after the apply"
	expect_eq 1 "$(jq length "$FAKE_STATE/comments.json")" "comments after a second push (edited, not added)"
	jq -r '.[0].body' "$FAKE_STATE/comments.json" | grep -qi 'no changes' ||
		fail "the edited comment does not say 'no changes': $(jq -r '.[0].body' "$FAKE_STATE/comments.json" |
			head -c 400)"
	no_token_in "$ART" "$REPO" "$FAKE_STATE" "$LOGDIR"/pr1 "$LOGDIR"/push1 "$LOGDIR"/pr2
}

# Someone edits a page in Canvas after the plan was reviewed: apply leaves that page alone and says
# so, applies everything else, fails the job, and the journal is kept; the next plan shows what
# is left to do.
test_github_canvas_changed_since_review() {
	ci_setup
	gh_job pr1 plan pull_request 101
	expect_eq 0 "$RC" "the plan job ($(tail -n 20 "$LOGDIR/pr1"))"
	api PUT /api/v1/courses/6102/pages/welcome -H 'Content-Type: application/json' \
		--data '{"wiki_page": {"body": "<p>Edited by the instructor after the review.</p>"}}'
	expect_status 200
	gh_job push1 apply push 201
	expect_eq 1 "$RC" "the apply job with a conflict ($(tail -n 20 "$LOGDIR/push1"))"
	expect_eq 1 "$(step_rc push1.json 'Apply the reviewed plan')" "the apply step"
	grep -qi 'conflict' "$LOGDIR/push1" || fail "the job log does not name the conflict: $(tail -n 20 "$LOGDIR/push1")"
	expect_eq 0 "$(step_rc push1.json 'Keep the journal')" "the journal step runs after a failure"
	[ -s "$ART/run-201/coursectl-journal-201/apply-201.jsonl" ] || fail "no journal artifact after a conflict"
	expect_eq '<p>Edited by the instructor after the review.</p>' \
		"$(state '.courses[] | select(.id == 6102) | .pages[] | select(.url == "welcome") | .body')" \
		"the edited page (not overwritten)"
	check_course 6101
	check_course 6103
	# the next plan shows what is left: the welcome page of 6102
	gh_job pr2 plan pull_request 102
	expect_eq 0 "$RC" "the next plan job"
	expect_eq true "$(step_output pr2.json plan changes)" "changes left after the conflict"
	expect_eq '["6102"]' "$(jq -c '[.changes[] | .course_id | tostring] | unique' "$REPO/plan.json")" \
		"the courses of the remaining plan"
}

test_github_merge_refusals() {
	ci_setup
	gh_job pr1 plan pull_request 101
	expect_eq 0 "$RC" "the plan job"
	# main moved while the pull request was open: the template is not the one planned
	echo "One more line." >>"$REPO/pages/getting-help.md"
	gh_job push1 apply push 201
	expect_eq 1 "$RC" "apply after the template changed"
	expect_eq 1 "$(step_rc push1.json 'Check the template is the one that was planned')" "the template check"
	grep -q 'pages/getting-help.md: FAILED' "$LOGDIR/push1" ||
		fail "the check does not name the file: $(tail "$LOGDIR/push1")"
	grep -q 'nothing was applied' "$LOGDIR/push1" || fail "no explanation: $(tail "$LOGDIR/push1")"
	[ ! -e "$REPO/journal" ] || fail "apply ran"
	cp "$ROOT/recipes/ci-template/pages/getting-help.md" "$REPO/pages/getting-help.md"
	# the Canvas URL changed between plan and merge: apply refuses the plan of another Canvas
	gh_job push2 apply push 202 --ctx vars.CANVAS_BASE_URL=http://127.0.0.1:9
	expect_eq 1 "$RC" "apply against another Canvas"
	expect_eq 64 "$(step_rc push2.json 'Apply the reviewed plan')" "coursectl apply of a plan of another Canvas"
	grep -q '127.0.0.1:9' "$LOGDIR/push2" || fail "the refusal does not name the URL: $(tail "$LOGDIR/push2")"
	# a commit pushed to main without a pull request has no reviewed plan
	FAKE_MERGE_SHA=ffffffffffffffffffffffffffffffffffffffff gh_job push3 apply push 203
	expect_eq 1 "$RC" "apply of a direct push"
	grep -q 'was not merged from a pull request' "$LOGDIR/push3" || fail "no explanation: $(tail "$LOGDIR/push3")"
	expect_eq 0 "$(writes)" "requests that write"
	# the jobs run only for their event
	gh_job x plan push 204
	expect_eq 3 "$RC" "the plan job on a push"
	gh_job y apply pull_request 205
	expect_eq 3 "$RC" "the apply job on a pull request"
}

test_gitlab_merge_request_cycle() {
	local c
	ci_setup
	gl_job x apply merge_request_event 300
	expect_eq 3 "$RC" "the apply job in a merge request pipeline"
	gl_job mr1 plan merge_request_event 301
	expect_eq 0 "$RC" "the plan job of the merge request ($(tail -n 20 "$LOGDIR/mr1"))"
	grep -q 'Changes present' "$LOGDIR/mr1" || fail "exit 2 was not read as changes present: $(tail "$LOGDIR/mr1")"
	expect_eq 1 "$(jq length "$FAKE_STATE/notes.json")" "notes on the merge request"
	expect_eq "$(cat "$REPO/plan.md")" "$(jq -r '.[0].body' "$FAKE_STATE/notes.json")" "the note is plan.md"
	for c in 6101 6102 6103; do
		jq -r '.[0].body' "$FAKE_STATE/notes.json" | grep -q "^| $c |" || fail "the note's table has no course $c"
	done
	[ -s "$ART/pipeline-301/plan/plan.json" ] || fail "no plan artifact: $(ls -R "$ART")"
	expect_eq 0 "$(writes)" "requests that write, after a plan"
	gl_job y plan push 302
	expect_eq 3 "$RC" "the plan job on the default branch"
	gl_job push1 apply push 303
	expect_eq 0 "$RC" "the apply job on the default branch ($(tail -n 30 "$LOGDIR/push1"))"
	grep -q 'reviewed on merge request !7 (job 3011)' "$LOGDIR/push1" || fail "which plan: $(tail "$LOGDIR/push1")"
	for c in 6101 6102 6103; do
		check_course "$c"
	done
	expect_eq 600 "$(stat -c %a "$REPO/journal/apply-303.jsonl")" "the journal's mode"
	[ -s "$ART/pipeline-303/apply/journal/apply-303.jsonl" ] || fail "no journal artifact: $(ls -R "$ART")"
	gl_job mr2 plan merge_request_event 304
	expect_eq 0 "$RC" "the second plan job"
	grep -q 'No changes' "$LOGDIR/mr2" || fail "the second plan has changes: $(tail "$LOGDIR/mr2")"
	expect_eq 1 "$(jq length "$FAKE_STATE/notes.json")" "notes after a second pipeline (edited, not added)"
	jq -r '.[0].body' "$FAKE_STATE/notes.json" | grep -qi 'no changes' ||
		fail "the edited note does not say 'no changes'"
	grep -q "curl PUT $FAKE_GITLAB_API/projects/42/merge_requests/7/notes/500" "$FAKE_STATE/calls.log" ||
		fail "the note was not edited in place: $(cat "$FAKE_STATE/calls.log")"
	no_token_in "$ART" "$REPO" "$FAKE_STATE" "$LOGDIR"/mr1 "$LOGDIR"/push1 "$LOGDIR"/mr2
	! grep -rqF "$FAKE_GITLAB_TOKEN" "$ART" "$REPO" || fail "the GitLab token was written to a file"
}

# docs/ci.md shows both files in full: each copy must be the file, byte for byte.
test_docs_show_the_files() {
	local f n=0
	for f in recipes/ci-template/.github/workflows/coursectl.yml recipes/ci-template/.gitlab-ci.yml; do
		awk -v f="$f" '
			index($0, "<!-- file: " f " ") == 1 { want = 1; next }
			want && /^```yaml$/ { copy = 1; next }
			copy && /^```$/ { exit }
			copy { print }
		' "$ROOT/docs/ci.md" >"$LOGDIR/copy"
		[ -s "$LOGDIR/copy" ] || fail "docs/ci.md has no copy of $f"
		diff -u "$ROOT/$f" "$LOGDIR/copy" >"$LOGDIR/copy.diff" ||
			fail "docs/ci.md's copy of $f differs from the file: $(head -20 "$LOGDIR/copy.diff")"
		n=$((n + 1))
	done
	expect_eq 2 "$n" "files checked"
}

# The template's recipe is valid for coursectl and for the JSON Schema editors use.
test_template_recipe_valid() {
	local out
	out=$("$COURSECTL" validate recipes/ci-template/recipe.yaml 2>&1) || fail "validate: $out"
	expect_eq "recipes/ci-template/recipe.yaml: ok (4 steps, 3 courses)" "$out" "validate"
	/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema is not installed"
	/usr/bin/python3 tests/e2e/schema-check.py docs/recipe.schema.json recipes/ci-template/recipe.yaml \
		>"$LOGDIR/schema" 2>&1 || fail "the schema refuses the recipe: $(cat "$LOGDIR/schema")"
}

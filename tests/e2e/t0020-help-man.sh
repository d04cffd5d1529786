# tests/e2e/t0020-help-man.sh -- the command line agrees with its documentation: every command's
# --help, the man page docs/coursectl.1 and the bash and zsh completions name the same long options;
# the man page renders without warnings; `make install` puts the right files in the right places.
#
# The source of truth is the binary: `coursectl help` gives the commands, `coursectl CMD --help`
# (and `coursectl CMD SUB --help` for the subcommands the man page names, e.g. `journal show`) the
# options, read from the lines that start with blanks and a dash, up to the column gap. The man
# page's conventions are in its opening comment: a .SS per command under COMMANDS, every option the
# tag of a .TP, and "CANVAS OPTIONS" in a command's section pulling in that section's options.
# Only long options are compared (short ones are aliases); --help is everywhere and left out.
# A failure lists every difference of every command at once, so one run tells the whole story.

MAN=$ROOT/docs/coursectl.1
BASHCOMP=$ROOT/completions/coursectl.bash
ZSHCOMP=$ROOT/completions/_coursectl

# The long options among option lines on stdin ("   -o, --output FILE   text"), sorted, unique.
opts_of_help() {
	grep -E '^[[:space:]]+-' | sed -E 's/^[[:space:]]+//; s/  .*//' |
		grep -oE -- '--[a-z][a-z0-9-]*' | grep -vx -- '--help' | sort -u || true
}

help_commands() {
	"$COURSECTL" help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 && $1 != "Commands:" { print $1 }'
}

# The man page's .SS titles under COMMANDS, one a line, without quotes and escapes.
man_titles() {
	awk '/^\.SH/ { sec = $0; next } sec ~ /^\.SH +"?COMMANDS"?$/ && /^\.SS/ { sub(/^\.SS +/, ""); print }' "$MAN" |
		sed 's/"//g; s/\\-/-/g'
}

man_commands() {
	man_titles | awk '{ print $1 }' | awk '!seen[$0]++'
}

# The subcommands of CMD the man page has a section for (`.SS "journal show ..."` -> show).
man_subcommands() {
	man_titles | awk -v c="$1" '$1 == c && $2 ~ /^[a-z]+$/ { print $2 }'
}

# Unescape roff on stdin, then the long options in it.
roff_opts() {
	sed 's/\\-/-/g; s/\\f[BIRP]//g; s/\\[%&]//g' | grep -oE -- '--[a-z][a-z0-9-]*' | grep -vx -- '--help' |
		sort -u || true
}

# The tags of the .TP paragraphs of the man page's COMMANDS sections of CMD, plus the CANVAS OPTIONS
# when one of them mentions that section; with CMD "-", the global OPTIONS section.
man_options() {
	awk -v c="$1" '
		/^\.SH/ { sec = $0; gsub(/"/, "", sec); sub(/^\.SH +/, "", sec); ss = ""; next }
		/^\.SS/ { t = $0; gsub(/"/, "", t); sub(/^\.SS +/, "", t); split(t, w, " "); ss = w[1]; next }
		tag { tag = 0; if (mine || (sec == "CANVAS OPTIONS" && canvas)) print; next }
		{ mine = (c == "-" && sec == "OPTIONS") || (sec == "COMMANDS" && ss == c) }
		mine && c != "-" && /CANVAS OPTIONS/ { canvas = 1 }
		/^\.TP/ { tag = 1 }
	' "$MAN" | roff_opts
}

# The long options `coursectl CMD --help` (and its subcommands' --help) describe.
help_options() {
	local cmd=$1 sub
	{
		"$COURSECTL" "$cmd" --help
		for sub in $(man_subcommands "$cmd"); do
			"$COURSECTL" "$cmd" "$sub" --help 2>/dev/null || true
		done
	} | opts_of_help | sort -u
}

# What bash completes for the words "$@" (the last one being completed), one a line.
bash_complete() {
	bash -c '
		. "$1" || exit 1
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		fn=$(complete -p coursectl | sed -n "s/.* -F \([^ ]*\) .*/\1/p")
		"$fn" coursectl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' _ "$BASHCOMP" "$@"
}

bash_options() {
	local cmd=$1 sub subs
	subs=$(man_subcommands "$cmd")
	{
		if [ -z "$subs" ]; then
			bash_complete coursectl "$cmd" --
		fi
		for sub in $subs; do
			bash_complete coursectl "$cmd" "$sub" --
		done
	} | grep -vx -- '--help' | sort -u || true
}

# The options in the zsh function _coursectl_CMD (descriptions in [...] left out), plus the
# _coursectl_canvas_opts array's when the function uses it.
zsh_options() {
	awk -v f="_coursectl_$1() {" '
		$0 == "_coursectl_canvas_opts=(" { inarr = 1; next }
		inarr && $0 == ")" { inarr = 0; next }
		inarr { canvas = canvas $0 "\n"; next }
		$0 == f { infn = 1; next }
		infn && /^}/ { infn = 0; next }
		infn { body = body $0 "\n"; if ($0 ~ /_coursectl_canvas_opts/) usecanvas = 1 }
		END { printf "%s", body; if (usecanvas) printf "%s", canvas }
	' "$ZSHCOMP" | sed 's/\[[^]]*\]//g' | grep -oE -- '--[a-z][a-z0-9-]*' | grep -vx -- '--help' |
		sort -u || true
}

# diff_sets WHAT NAME_A A NAME_B B: one line per difference, nothing when the sets are equal.
diff_sets() {
	local what=$1 na=$2 a=$3 nb=$4 b=$5 only
	only=$(comm -23 <(echo "$a" | sed '/^$/d' | sort -u) <(echo "$b" | sed '/^$/d' | sort -u) | tr '\n' ' ')
	[ -z "$only" ] || echo "$what: in $na, not in $nb: $only"
	only=$(comm -13 <(echo "$a" | sed '/^$/d' | sort -u) <(echo "$b" | sed '/^$/d' | sort -u) | tr '\n' ' ')
	[ -z "$only" ] || echo "$what: in $nb, not in $na: $only"
	return 0
}

test_every_command_has_a_man_section() {
	local d
	[ -n "$(help_commands)" ] || fail "no commands in 'coursectl help'"
	d=$(diff_sets commands "'coursectl help'" "$(help_commands)" "docs/coursectl.1" "$(man_commands)")
	[ -z "$d" ] || fail "'coursectl help' and docs/coursectl.1 differ:"$'\n'"$d"
}

test_help_options_match_man_page() {
	local cmd d="" rc usage described
	for cmd in $(help_commands); do
		rc=0
		"$COURSECTL" "$cmd" --help >"$LOGDIR/help.$cmd" 2>&1 || rc=$?
		if [ "$rc" -ne 0 ]; then
			d+=$'\n'"$cmd: 'coursectl $cmd --help' exits $rc"
			continue
		fi
		described=$(help_options "$cmd")
		d+=$(printf '\n%s' "$(diff_sets "$cmd" "--help" "$described" "the man page" "$(man_options "$cmd")")")
		# the usage lines (up to the first blank line) name no option the text does not describe
		usage=$(sed '/^$/q' "$LOGDIR/help.$cmd" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u || true)
		d+=$(printf '\n%s' "$(comm -23 <(echo "$usage" | sed '/^$/d') <(echo "$described") |
			sed "s/^/$cmd: in the usage line, not described: /")")
	done
	d+=$(printf '\n%s' "$(diff_sets "global options" "'coursectl --help'" \
		"$("$COURSECTL" --help | sed -n '/^Global options:/,/^$/p' | opts_of_help)" \
		"the man page's OPTIONS" "$(man_options -)")")
	d=$(echo "$d" | sed '/^$/d')
	[ -z "$d" ] || fail "--help and docs/coursectl.1 differ:"$'\n'"$d"
}

test_bash_completion_matches_help() {
	local cmd d
	d=$(diff_sets commands "'coursectl help'" "$(help_commands)" "bash completion" \
		"$(bash_complete coursectl '')")
	for cmd in $(help_commands); do
		d+=$(printf '\n%s' "$(diff_sets "$cmd" "--help" "$(help_options "$cmd")" "bash completion" \
			"$(bash_options "$cmd")")")
	done
	d+=$(printf '\n%s' "$(diff_sets "global options" "'coursectl --help'" \
		"$("$COURSECTL" --help | sed -n '/^Global options:/,/^$/p' | opts_of_help)" \
		"bash completion" "$(bash_complete coursectl -- | grep -E -- "^--" | grep -vx -- --help)")")
	d=$(echo "$d" | sed '/^$/d')
	[ -z "$d" ] || fail "--help and completions/coursectl.bash differ:"$'\n'"$d"
}

test_zsh_completion_matches_help() {
	local cmd d
	d=$(diff_sets commands "'coursectl help'" "$(help_commands)" "zsh completion" \
		"$(sed -n "/^_coursectl_commands() {/,/^}/s/^[[:space:]]*'\([a-z]*\):.*/\1/p" "$ZSHCOMP")")
	for cmd in $(help_commands); do
		grep -q "^_coursectl_$cmd() {\$" "$ZSHCOMP" || { d+=$'\n'"$cmd: no _coursectl_$cmd in _coursectl"; continue; }
		d+=$(printf '\n%s' "$(diff_sets "$cmd" "--help" "$(help_options "$cmd")" "zsh completion" \
			"$(zsh_options "$cmd")")")
	done
	d=$(echo "$d" | sed '/^$/d')
	[ -z "$d" ] || fail "--help and completions/_coursectl differ:"$'\n'"$d"
}

# The page must render cleanly; the tests above would miss a roff mistake that swallows a section.
check_man_renders() {
	local page=$1 out
	out=$(groff -man -Tutf8 -ww -z "$page" 2>&1) || fail "groff failed on $page: $out"
	[ -z "$out" ] || fail "groff warns about $page:"$'\n'"$out"
	out=$(groff -man -Tutf8 -P-cbou -ww "$page" 2>/dev/null)   # -P-cbou: plain text, no emphasis
	for sec in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS "CANVAS OPTIONS" "EXIT STATUS" ENVIRONMENT \
		FILES EXAMPLES "SEE ALSO"; do
		echo "$out" | grep -qx "$sec" || fail "$page: no section $sec in the rendered page"
	done
	if command -v man >/dev/null 2>&1; then
		out=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null) || fail "man -l $page failed: $out"
		[ -z "$out" ] || fail "man -l warns about $page:"$'\n'"$out"
	fi
	if command -v mandoc >/dev/null 2>&1; then
		out=$(mandoc -Tlint "$page" 2>&1) || fail "mandoc -Tlint $page:"$'\n'"$out"
	fi
}

test_man_page_renders_without_warnings() {
	command -v groff >/dev/null 2>&1 || skip "groff is not installed (Debian package groff-base)"
	check_man_renders "$MAN"
}

test_make_install_and_uninstall() {
	local p=$LOGDIR/prefix stage=$LOGDIR/stage files want out
	# -o: never rebuild here (an ASan build must not be relinked without its flags)
	make -C "$ROOT" --no-print-directory -s -o "$BUILD/coursectl" BUILD="$BUILD" PREFIX="$p" install \
		>"$LOGDIR/install.out" 2>&1 || fail "make install: $(cat "$LOGDIR/install.out")"
	files=$(cd "$p" && find . -type f -printf '%m %p\n' | sort)
	want="644 ./share/bash-completion/completions/coursectl
644 ./share/man/man1/coursectl.1
644 ./share/zsh/site-functions/_coursectl
755 ./bin/coursectl"
	expect_eq "$want" "$files" "installed files and modes (no canvas-sim)"
	expect_eq "$("$COURSECTL" --version)" "$("$p/bin/coursectl" --version)" "installed coursectl --version"
	cmp -s "$MAN" "$p/share/man/man1/coursectl.1" || fail "the installed man page is not docs/coursectl.1"
	if command -v groff >/dev/null 2>&1; then
		check_man_renders "$p/share/man/man1/coursectl.1"
	fi
	if command -v man >/dev/null 2>&1; then
		expect_eq "$p/share/man/man1/coursectl.1" "$(MANPATH=$p/share/man man -w coursectl)" "man -w coursectl"
	fi
	out=$(bash -c '. "$1" && complete -p coursectl' _ "$p/share/bash-completion/completions/coursectl" 2>&1)
	expect_eq "complete -F _coursectl coursectl" "$out" "the installed bash completion, sourced"
	BASHCOMP=$p/share/bash-completion/completions/coursectl
	expect_eq plan "$(bash_complete coursectl pl)" "coursectl pl<TAB>"

	make -C "$ROOT" --no-print-directory -s -o "$BUILD/coursectl" BUILD="$BUILD" PREFIX="$p" uninstall \
		>"$LOGDIR/uninstall.out" 2>&1 || fail "make uninstall: $(cat "$LOGDIR/uninstall.out")"
	expect_eq "" "$(find "$p" -type f)" "files left after make uninstall"

	# DESTDIR stages the PREFIX layout under another root, as packagers need
	make -C "$ROOT" --no-print-directory -s -o "$BUILD/coursectl" BUILD="$BUILD" PREFIX=/usr DESTDIR="$stage" \
		install >"$LOGDIR/install.out" 2>&1 || fail "make install DESTDIR: $(cat "$LOGDIR/install.out")"
	[ -x "$stage/usr/bin/coursectl" ] || fail "no $stage/usr/bin/coursectl"
	[ -f "$stage/usr/share/zsh/site-functions/_coursectl" ] || fail "no zsh completion under DESTDIR"
}

test_bash_completion_completes() {
	local dir=$LOGDIR/work out
	mkdir -p "$dir/sub"
	touch "$dir/r.yaml" "$dir/s.yml" "$dir/p.json" "$dir/j.jsonl" "$dir/notes.txt"
	cd "$dir"
	out=$(bash -c '. "$1"' _ "$BASHCOMP" 2>&1) || fail "sourcing the completion failed: $out"
	expect_eq "" "$out" "output of sourcing the completion"
	expect_eq plan "$(bash_complete coursectl pl)" "coursectl pl<TAB>"
	expect_eq plan "$(bash_complete coursectl -v pl)" "coursectl -v pl<TAB>"
	expect_eq "rollback" "$(bash_complete coursectl ro)" "coursectl ro<TAB>"
	expect_eq "text json html markdown" "$(bash_complete coursectl plan --format '' | xargs)" "plan --format"
	expect_eq "text json" "$(bash_complete coursectl apply --format '' | xargs)" "apply --format"
	expect_eq "auto always never" "$(bash_complete coursectl plan --color '' | xargs)" "--color"
	expect_eq "always" "$(bash_complete coursectl apply --color al)" "--color al"
	expect_eq "r.yaml s.yml sub" "$(bash_complete coursectl plan '' | sort | xargs)" "plan RECIPE"
	expect_eq "p.json r.yaml s.yml sub" "$(bash_complete coursectl apply '' | sort | xargs)" "apply RECIPE|PLAN"
	expect_eq "j.jsonl sub" "$(bash_complete coursectl rollback '' | sort | xargs)" "rollback JOURNAL"
	expect_eq "j.jsonl sub" "$(bash_complete coursectl apply --resume '' | sort | xargs)" "apply --resume"
	expect_eq "j.jsonl sub" "$(bash_complete coursectl journal show '' | sort | xargs)" "journal show"
	expect_eq "show list" "$(bash_complete coursectl journal '' | xargs)" "journal subcommands"
	expect_eq "sub" "$(bash_complete coursectl journal list --dir '' | xargs)" "journal list --dir"
	expect_eq "--detailed-exitcode" "$(bash_complete coursectl plan r.yaml --det)" "an option after the recipe"
	expect_eq "" "$(bash_complete coursectl plan --course '')" "no completion for an id"
	# profile names come from the configuration file
	mkdir -p "$dir/cfg/coursectl"
	printf 'default_profile: uni\nprofiles:\n  uni:\n    url: https://a.example\n  sandbox: {url: https://b.example}\nother: 1\n' \
		>"$dir/cfg/coursectl/config.yaml"
	expect_eq "sandbox uni" "$(XDG_CONFIG_HOME=$dir/cfg bash_complete coursectl plan --profile '' | sort | xargs)" \
		"--profile names"
}

test_zsh_completion_completes() {
	command -v zsh >/dev/null 2>&1 || skip "zsh is not installed"
	zsh -n "$ZSHCOMP" || fail "zsh -n completions/_coursectl"
	local dir=$LOGDIR/work out=$LOGDIR/zsh.out
	mkdir -p "$dir/sub"
	touch "$dir/r.yaml" "$dir/p.json" "$dir/j.jsonl" "$dir/notes.txt"
	cd "$dir"
	timeout 60 zsh -f "$ROOT/tests/e2e/zsh-complete.zsh" "$out" "$ROOT/completions" \
		'coursectl pl' 'coursectl plan --format ' 'coursectl plan ' 'coursectl rollback ' \
		'coursectl journal ' 'coursectl journal list --l' 'coursectl auth check --prof' ||
		fail "zsh-complete.zsh failed"
	# candidates of line N, sorted, on one line
	got() { awk -F '\t' -v n="$1" '$1 == n && $2 != "--end" && $2 != "" { print $2 }' "$out" | sort -u | xargs; }
	expect_eq plan "$(got 1)" "coursectl pl<TAB>"
	expect_eq "html json markdown text" "$(got 2)" "plan --format"
	expect_eq "r.yaml sub" "$(got 3)" "plan RECIPE"
	expect_eq "j.jsonl sub" "$(got 4)" "rollback JOURNAL"
	expect_eq "list show" "$(got 5)" "journal subcommands"
	expect_eq "--limit" "$(got 6)" "journal list --l"
	expect_eq "--profile" "$(got 7)" "auth check --prof"
}

#!/usr/bin/env zsh
# tests/e2e/zsh-complete.zsh OUT FPATHDIR LINE... -- what zsh's completion offers for each LINE.
#
# Runs an interactive zsh on a pseudo-terminal (zsh/zpty) with FPATHDIR first in $fpath and
# compinit, types each LINE followed by TAB, and appends to OUT one line per candidate the
# completion system was given, "N<TAB>candidate" (N: the LINE's number from 1), then "N<TAB>--end".
# Keystrokes are handled in order, so the "--end" marker, printed by a command typed after the
# TAB, is written only once that completion is done: no fixed sleeps. Used by t0020-help-man.sh.
zmodload zsh/zpty || exit 1
out=$1 dir=$2
shift 2
: >$out
zpty z zsh -f -i || exit 1
zpty -w z "fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D; unsetopt beep"
zpty -w z "compadd() { local -a __h; builtin compadd -O __h \"\$@\"; print -rl -- \$__n\$'\\t'\${^__h} >>${(q)out}; builtin compadd \"\$@\"; }"
# line 0 warms up: the first TAB of a fresh shell sometimes reaches zle before the completion
# system is ready, and is lost
n=-1
for line in "coursectl " "$@"; do
	n=$((n + 1))
	zpty -w z "__n=$n"
	zpty -w -n z "$line"$'\t'
	# ^E^U: drop whatever the completion left on the line
	zpty -w z $'\C-e\C-u'"print -r -- $n\$'\\t'--end >>${(q)out}"
	for i in {1..100}; do
		grep -q "^$n	--end\$" $out && break
		sleep 0.05
	done
	grep -q "^$n	--end\$" $out || { print -u2 "zsh-complete: no answer for '$line'"; zpty -d z; exit 1; }
done
zpty -d z

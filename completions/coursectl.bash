# bash completion for coursectl                                     -*- shell-script -*-
#
# Installed by `make install` as $(PREFIX)/share/bash-completion/completions/coursectl, where
# bash-completion loads it on first use; or source it from ~/.bashrc.
#
# Hand-written, and kept to bash's builtins (compgen, complete, compopt), so it works without the
# bash-completion package. The option lists below are checked against `coursectl CMD --help`
# and docs/coursectl.1 by tests/e2e/t0020-help-man.sh: a new option goes in all three places.
# Rejected: parsing `coursectl CMD --help` at completion time (a process per TAB, and no way
# to know which options take which kind of value).

# The options of every command that talks to Canvas (include/config.h CONFIG_OPTIONS_HELP).
_coursectl_canvas_opts='--url --token-file --profile --insecure-http --cacert --concurrency --timeout
	--connect-timeout --max-response-mb --verbose --quiet'

# _coursectl_files WORD EXT... -- directories, and files ending in .EXT, that start with WORD.
_coursectl_files()
{
	local cur=$1 ext IFS=$'\n'
	shift
	COMPREPLY+=($(compgen -d -- "$cur"))
	for ext in "$@"; do
		COMPREPLY+=($(compgen -f -X "!*.$ext" -- "$cur"))
	done
	compopt -o filenames 2>/dev/null
}

# The profile names of the configuration file (the keys under `profiles:`, block style).
_coursectl_profiles()
{
	local f=${XDG_CONFIG_HOME:-$HOME/.config}/coursectl/config.yaml
	[ -r "$f" ] || return 0
	sed -n '/^profiles:[[:space:]]*$/,/^[^[:space:]#]/s/^  \([A-Za-z0-9_.-][A-Za-z0-9_.-]*\):.*/\1/p' "$f"
}

_coursectl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local cmd="" sub="" i opts="" formats="text json"
	local commands='validate plan apply rollback snapshot journal auth help version'

	COMPREPLY=()
	# the command: the first word after the global options; then its first operand (the
	# subcommand of journal and auth); the values of options are not operands
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*)
			case ${COMP_WORDS[i-1]} in
			--format | --color | --resume | --out | --journal | -o | --output | --token-file | \
			--dir | --allow-outside | --profile | --url | --course | --var | --shard | --concurrency | \
			--timeout | --connect-timeout | --max-response-mb | --limit)
				[ -n "$cmd" ] && continue
				;;
			esac
			if [ -z "$cmd" ]; then
				cmd=${COMP_WORDS[i]}
			elif [ -z "$sub" ]; then
				sub=${COMP_WORDS[i]}
			fi
			;;
		esac
	done
	if [ -z "$cmd" ]; then
		case $cur in
		-*) COMPREPLY=($(compgen -W '--help --version --quiet --verbose -h -q -v' -- "$cur")) ;;
		*) COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
		esac
		return 0
	fi

	# the values of options that take one
	case $prev in
	--format)
		[ "$cmd" = plan ] && formats='text json html markdown'
		COMPREPLY=($(compgen -W "$formats" -- "$cur"))
		return 0
		;;
	--color)
		COMPREPLY=($(compgen -W 'auto always never' -- "$cur"))
		return 0
		;;
	--resume)
		_coursectl_files "$cur" jsonl
		return 0
		;;
	--out | --journal | -o | --output | --token-file)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0
		;;
	--dir | --allow-outside)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		return 0
		;;
	--profile)
		COMPREPLY=($(compgen -W "$(_coursectl_profiles)" -- "$cur"))
		return 0
		;;
	--url | --course | --var | --shard | --concurrency | --timeout | --connect-timeout | \
	--max-response-mb | --limit)
		return 0
		;;
	-n)
		[ "$cmd" = journal ] && return 0   # journal list -n N; rollback's -n is --dry-run
		;;
	esac

	case $cmd in
	validate) opts='--var --allow-outside --verbose' ;;
	plan)
		opts="--out --format --detailed-exitcode --course --var --color --shard --fail-fast --again --allow-outside
			$_coursectl_canvas_opts"
		;;
	apply)
		opts="--yes --force --journal --resume --format --course --var --color --shard --fail-fast --again --allow-outside
			$_coursectl_canvas_opts"
		;;
	rollback) opts="--dry-run --yes --force --journal --format $_coursectl_canvas_opts" ;;
	snapshot) opts="--course --output $_coursectl_canvas_opts" ;;
	journal)
		case $sub in
		show) opts='--format' ;;
		list) opts='--dir --limit --format' ;;
		"")
			[[ $cur == -* ]] || COMPREPLY=($(compgen -W 'show list' -- "$cur"))
			return 0
			;;
		esac
		;;
	auth)
		case $sub in
		check) opts="--format $_coursectl_canvas_opts" ;;
		"")
			[[ $cur == -* ]] || COMPREPLY=($(compgen -W 'check' -- "$cur"))
			return 0
			;;
		esac
		;;
	help)
		[ -z "$sub" ] && COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		return 0
		;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts --help" -- "$cur"))
		return 0
	fi
	# the operands: recipes, saved plans, journals
	case $cmd in
	validate | plan) _coursectl_files "$cur" yaml yml ;;
	apply) _coursectl_files "$cur" yaml yml json ;;
	rollback) _coursectl_files "$cur" jsonl ;;
	journal) [ "$sub" = show ] && _coursectl_files "$cur" jsonl ;;
	esac
	return 0
}

complete -F _coursectl coursectl

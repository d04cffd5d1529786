#!/usr/bin/env bash
# tests/bench/table.sh -- the one table of `make bench` (issue 18): every figure of results.json
# beside its bound or minimum. Prints only the sections the file has, so tests/bench/scale.sh uses
# it for its own part and tests/bench/run.sh for all of them.
#
#   bash tests/bench/table.sh RESULTS.json
#
# Sections (BENCHMARKS.md explains each scenario and its bound):
#   simload    canvas-sim's own requests/s (tests/bench/simload.c, run.sh)
#   plan10k    the 10,000-object course: coursectl's CPU, the simulator's, the floor's (simfloor, a
#              server that only replays the simulator's bytes), callgrind (plan.sh)
#   throttle   an apply against the bucket with costs and latency, 403 and 429 (throttle.sh)
#   scale, bucket, callgrind, rollover4   many courses, the default bucket, the 200-course plan's
#              instruction counts, the 4-course rollover's requests (scale.sh)
set -euo pipefail
fmt='%-46s %-34s %-16s %s\n'
# shellcheck disable=SC2059
printf "$fmt" figure value bound note
jq -r '
	def r2: . * 100 | round / 100;
	def mi: . / 1e6 | round | tostring + " M";
	def r3: . * 1000 | round / 1000;
	def run($k; $n; $v): ["\($k) \($n) courses", "cpu \($v.cpu_s | r3) s" +
		(if ($v.n_runs // 1) > 1 then " (\($v.cpu_s_min | r3)-\($v.cpu_s_max | r3), \($v.n_runs) runs)" else "" end), "",
		"wall \($v.wall_s) s, \($v.rss_mb) MB, \($v.requests) requests, sim cpu \($v.sim_cpu_s) s" +
		(if $v.load1 != null then ", load \($v.load1)" else "" end) +
		(if $v.nanosleeps != null then ", \($v.nanosleeps) nanosleeps" else "" end) +
		(if $v.exit != 0 then ", EXIT \($v.exit)" else "" end)];
	def cg: if .skipped then [.name + ": instructions", "skipped", "", .skipped]
		else ["\(.name): instructions", "\(.ir | mi) (planning \(.ir_planning | mi))", "",
		      "callgrind" + (if .exit != 0 then ", EXIT \(.exit)" else "" end)] end;
	(.simload // [] | .[] | ["canvas-sim alone, \(.mode | sub("thread-per-connection"; "thread/conn") | sub(" \\(epoll\\)"; "")), conc \(.conc)", "\(.rps) req/s",
	      "", "p50 \(.p50_ms) ms, p99 \(.p99_ms) ms, \(.statuses)"]),
	(.plan10k // empty | .median as $m
	 | ["10,000-object course: coursectl read", "cpu \($m.read_cpu_s | r3) s (all \($m.cpu_s | r3) s)", "",
	    "fetch \($m.fetch_s) s wall, planned in \($m.planned_s) s, \($m.rss_mb) MB"],
	   ["10,000-object course: canvas-sim", "cpu \($m.sim_cpu_s | r3) s, \($m.serve_ratio)x faster", ">= 5x faster",
	    "its CPU serving the plan vs coursectl reading it"],
	   (.sim_threads // 0) as $own
	   | (.floor // empty | .modes[] | .median as $f
	    | ["10,000-object course: floor" + (if .threads > 0 then ", --threads \(.threads)" else "" end),
	       "cpu \($f.floor_cpu_s | r3) s, \(.best_ratio)x faster", "",
	       "simfloor replaying canvas-sim'"'"'s bytes" + (if .threads == $own then ", the best of its design" else "" end) + ": user \($f.floor_user_s | r3) s," +
	       " sys \($f.floor_sys_s | r3) s; canvas-sim \(.sim_over_floor)x it" +
	       (if .missed != 0 or ([.runs[] | select(.same_plan | not)] | length) > 0 then ", REPLAY DIFFERED" else "" end)]),
	   (.callgrind // empty | cg)),
	(.throttle // [] | .[] | ["\(.run // "apply") \(.courses) courses, \(.latency_ms) ms, \(.style)",
	      "\(.rate) req/s (\(.of_bound * 100 | round)%)", ">= \(.bound_rate * 0.9 | r2) req/s",
	      "bound \(.bound_rate) req/s; \(.throttled) throttled; \(.requests) requests in \(.wall_s) s, cost \(.cost)" +
	      (if .exit != 0 then ", EXIT \(.exit)" else "" end)]),
	(.scale // empty | . as $s
	 | ($s.plan | keys | sort_by(tonumber)) as $ns
	 | $ns[0] as $lo
	 | ($ns[] as $n | ("plan", "apply") as $k | select($s[$k][$n]) | run($k; $n; $s[$k][$n])),
	   ($ns[1:][] as $n | ("plan", "apply") as $k | $s[$k] as $r | select($r[$n] and $r[$lo])
	    | (($n | tonumber) / ($lo | tonumber) * 1.1) as $bound
	    | ["\($k) \($n)/\($lo): cpu" + (if ($r[$n].n_runs // 1) > 1 or ($r[$lo].n_runs // 1) > 1 then " (medians)" else "" end),
	       "\($r[$n].cpu_s / ([$r[$lo].cpu_s, 0.01] | max) | r2)x", "<= \($bound | r2)x",
	       (if $r[$n].cpu_s_min then "extremes of the runs \($r[$n].cpu_s_min / $r[$lo].cpu_s_max | r2)-\($r[$n].cpu_s_max / $r[$lo].cpu_s_min | r2)x, "
	        else "" end) + "wall \($r[$n].wall_s / $r[$lo].wall_s | r2)x"],
	      ["\($k) \($n)/\($lo): peak RSS", "\($r[$n].rss_mb / $r[$lo].rss_mb | r2)x", "<= 1.2x", ""])),
	(.callgrind // [] | .[] | cg),
	(.callgrind // [] | map(select(.ir and (.name | test("^plan, [0-9]+ courses$"))))
	 | map(. + {n: (.name | capture("(?<n>[0-9]+)").n | tonumber)}) | sort_by(.n) | select(length > 1)
	 | .[0] as $lo | .[1:][]
	 | ["plan \(.n)/\($lo.n): instructions", "\(.ir / $lo.ir * 100 | round / 100)x", "",
	    "callgrind: the work, which no load moves (the CPU bound is \(.n / $lo.n * 1.1 | r2)x)"]),
	(.bucket // {} | to_entries[] | ["plan \(.key), default bucket", "\(.value.rate | round) req/s, wall \(.value.wall_s) s",
	      (if .value.bound_rate then ">= \(.value.bound_rate * 0.9 | round) req/s" else "" end),
	      "90% of the bound \(.value.bound_rate // 0 | round) req/s (\(.value.requests) requests); \(.value.cpu_s | r3) s cpu"]),
	(.rollover4 // empty | . as $q | $q.runs[] | ["4-course rollover: \(.name)", "\(.requests) requests",
	      (if .name == "apply recipe" then "<= \($q.minimum_recipe * 1.05 | floor) (min \($q.minimum_recipe))"
	       elif .name == "apply saved plan" then "<= \($q.minimum_saved_plan * 1.05 | floor) (min \($q.minimum_saved_plan))"
	       else "" end),
	      "\(.reads) reads, \(.writes) writes, \(.polls) polls" + (if .exit != 0 then ", EXIT \(.exit)" else "" end)])
	| @tsv' "$1" | awk -F '\t' -v fmt="$fmt" '{ printf fmt, $1, $2, $3, $4 }'

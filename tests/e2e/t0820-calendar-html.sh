# tests/e2e/t0820-calendar-html.sh -- `coursectl plan --format html`: the calendar of the new term,
# rendered by a real browser (Debian's chromium, headless).
#
# The fixture (tests/fixtures/calendar-seed.json, calendar-rollover.yaml) moves a Fall 2025 course
# in America/New_York by 21 weeks into Spring 2026, with spring break 2026-03-16..22 as a blackout,
# then a second step pulls one quiz back into the break. Its dates are chosen so that:
#   - Problem Set 1 (Fri 23:59:59 EDT) and Problem Set 2 (Fri 23:59:59, EST before, EDT after) are
#     Saturdays in UTC but Fridays on the calendar: days are local, across the DST change;
#   - Lab 2 lands in the blackout and is moved to the Monday after it;
#   - two items stay on a weekend (Sun 03-15, Sat 03-28): they were on a weekend before, so they
#     are not counted or flagged (only items moved onto a weekend are); one is in the blackout
#     (Fri 03-20);
#   - the course is named <b>x</b> and an assignment has a <script> in its name.
# Expected items per week (Monday): 03-09: 7 (incl. a page to-do and an event's start and end),
# 03-16: 1, 03-23: 3, 03-30: 2 (one in the March grid, one in April's); every other week 0.
#
# One chromium launch writes the screenshot ($LOGDIR/calendar.png, for a person to look at) and the
# DOM as the browser parsed it; console messages go to its log (--enable-logging=stderr), and the
# page has no script, so any CONSOLE line is a failure. Without chromium the case is skipped, not
# failed (`make deps` and .ci/run install it).

chromium_bin() {
	local c
	for c in chromium chromium-browser; do
		if command -v "$c" >/dev/null 2>&1; then
			command -v "$c"
			return 0
		fi
	done
	return 1
}

test_calendar_in_chromium() {
	local chromium sandbox=() py counts
	chromium=$(chromium_bin) || skip "chromium not installed"
	[ "$(id -u)" -ne 0 ] || sandbox=(--no-sandbox)
	sim_start --seed "$FIXTURES/calendar-seed.json"
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" plan "$FIXTURES/calendar-rollover.yaml" --url "$SIM_URL" --format html \
		>"$LOGDIR/plan.html" 2>"$LOGDIR/plan.err" || fail "plan: $(cat "$LOGDIR/plan.err")"
	# the plan file carries the blackout (once, from the step that declared it)
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" plan "$FIXTURES/calendar-rollover.yaml" --url "$SIM_URL" --format json \
		>"$LOGDIR/plan.json" 2>>"$LOGDIR/plan.err" || fail "plan json: $(cat "$LOGDIR/plan.err")"
	expect_eq '[{"start":"2026-03-16","end":"2026-03-22","step":"Fall into spring"}]' \
		"$(jq -c '.blackouts' "$LOGDIR/plan.json")" "blackouts in the plan file"

	timeout 90 "$chromium" --headless "${sandbox[@]}" --disable-gpu --disable-dev-shm-usage --no-first-run \
		--user-data-dir="$LOGDIR/chromium-profile" --enable-logging=stderr --v=0 --hide-scrollbars \
		--window-size=1280,2000 --screenshot="$LOGDIR/calendar.png" --dump-dom "file://$LOGDIR/plan.html" \
		>"$LOGDIR/dom.html" 2>"$LOGDIR/chromium.err" || fail "chromium failed: $(tail -n 5 "$LOGDIR/chromium.err")"
	[ -s "$LOGDIR/dom.html" ] || fail "chromium dumped no DOM: $(tail -n 5 "$LOGDIR/chromium.err")"
	[ "$(head -c 8 "$LOGDIR/calendar.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
		fail "no PNG screenshot at $LOGDIR/calendar.png"
	echo "screenshot: $LOGDIR/calendar.png"
	if grep -E ':CONSOLE|Uncaught' "$LOGDIR/chromium.err" >"$LOGDIR/console.txt"; then
		fail "console messages: $(head -n 5 "$LOGDIR/console.txt")"
	fi

	# What the browser made of the page, read with Python's HTML parser: one "key value" line each.
	py=$(/usr/bin/python3 - "$LOGDIR/dom.html" <<'PY'
import sys
from html.parser import HTMLParser

class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.weeks = {}          # data-week -> [sum of data-count, chips counted]
        self.week = None
        self.day = None
        self.days = {}           # data-day -> (classes, chip names)
        self.tags = {}
        self.h2 = []
        self.in_h2 = False
        self.in_cn = False
        self.calsum = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        cls = (a.get("class") or "").split()
        if tag == "tr" and "data-week" in a:
            self.week = a["data-week"]
            w = self.weeks.setdefault(self.week, [0, 0])
            w[0] += int(a["data-count"])
        if tag == "td" and "data-day" in a:
            self.day = a["data-day"]
            self.days[self.day] = (cls, [])
        if tag == "li" and "chip" in cls and self.week:
            self.weeks[self.week][1] += 1
        if tag == "span" and "cn" in cls:
            self.in_cn = True
        if tag == "h2":
            self.in_h2 = True
            self.h2.append("")
        if tag == "p" and a.get("id") == "calendar-summary":
            self.calsum = (a["data-items"], a["data-weekend"], a["data-blackout"])
    def handle_endtag(self, tag):
        if tag == "tr":
            self.week = None
        if tag == "td":
            self.day = None
        if tag == "span":
            self.in_cn = False
        if tag == "h2":
            self.in_h2 = False
    def handle_data(self, data):
        if self.in_h2:
            self.h2[-1] += data
        if self.in_cn and self.day:
            self.days[self.day][1].append(data)

p = Page()
p.feed(open(sys.argv[1], encoding="utf-8").read())
print("weeks", " ".join("%s=%d" % (w, c[0]) for w, c in sorted(p.weeks.items()) if c[0]))
print("chips", " ".join("%s=%d" % (w, c[1]) for w, c in sorted(p.weeks.items()) if c[1]))
print("rows", len(p.weeks))
print("summary", " ".join(p.calsum or ()))
print("h2", p.h2[0] if p.h2 else "")
print("b_elements", p.tags.get("b", 0))
print("script_elements", p.tags.get("script", 0))
print("blackout_days", " ".join(d for d, v in sorted(p.days.items()) if "bo" in v[0]))
print("warn_days", " ".join(d for d, v in sorted(p.days.items()) if "warn" in v[0]))
for d in ("2026-03-13", "2026-03-14", "2026-03-20", "2026-03-23", "2026-04-03", "2026-04-04"):
    print("day", d, "|".join(p.days.get(d, ((), []))[1]))
PY
) || fail "parsing the DOM failed"
	echo "$py" >"$LOGDIR/dom-facts.txt"
	val() { sed -n "s/^$1 //p" "$LOGDIR/dom-facts.txt"; }

	counts="2026-03-09=7 2026-03-16=1 2026-03-23=3 2026-03-30=2"
	expect_eq "$counts" "$(val weeks)" "items per week (data-count)"
	expect_eq "$counts" "$(val chips)" "chips per week"
	# March 2026: 6 rows (from Mon 02-23), April: 5 (from Mon 03-30), every row marked with its Monday
	expect_eq 10 "$(val rows)" "distinct weeks drawn"
	expect_eq "13 0 1" "$(val summary)" "items, newly on a weekend, in a blackout in the page's summary"
	grep -q '0 items move onto a weekend (from a weekday), 1 lands in a blackout\.' "$LOGDIR/dom.html" ||
		fail "the summary sentence is missing"
	expect_eq "Course 4900 — CAL 101 — <b>x</b> America/New_York" "$(val h2)" "the course heading, as text"
	expect_eq 0 "$(val b_elements)" "<b> elements"
	expect_eq 0 "$(val script_elements)" "<script> elements"
	expect_eq "2026-03-16 2026-03-17 2026-03-18 2026-03-19 2026-03-20 2026-03-21 2026-03-22" \
		"$(val blackout_days)" "blackout days"
	expect_eq "2026-03-20" "$(val warn_days)" "days with a warning"
	# local days, not UTC ones: both problem sets are Saturdays in UTC
	expect_eq "Problem Set 1" "$(val 'day 2026-03-13')" "Fri 03-13"
	expect_eq "" "$(val 'day 2026-03-14')" "Sat 03-14"
	expect_eq "Reading quiz" "$(val 'day 2026-03-20')" "Fri 03-20 (in the blackout)"
	expect_eq "Lab 2" "$(val 'day 2026-03-23')" "Mon 03-23 (moved out of the blackout)"
	expect_eq "Problem Set 2" "$(val 'day 2026-04-03')" "Fri 04-03 (across DST)"
	expect_eq "" "$(val 'day 2026-04-04')" "Sat 04-04"
	grep -q 'Lab 3 &lt;script&gt;alert(1)&lt;/script&gt;' "$LOGDIR/dom.html" || fail "the script name is not text"
}

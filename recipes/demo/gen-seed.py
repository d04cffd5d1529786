#!/usr/bin/python3
# recipes/demo/gen-seed.py -- writes recipes/demo/seed.json, the course of `make demo`.
#
# The course is "CS 101: Introduction to Programming" as taught in Fall 2025 (classes Tue 2025-09-02
# to Fri 2025-12-12, Fall Break Mon/Tue 10-13/14, Thanksgiving Wed-Fri 11-26..28), time zone
# America/New_York: 41 assignments (12 labs, 10 problem sets, 6 projects, 3 exams, 7 graded quizzes,
# 3 graded discussions), 3 sections and section/student overrides, 9 classic quizzes, 5 discussions,
# 5 announcements, 8 calendar events, 12 modules and the 15 pages in recipes/demo/pages/*.html
# (hand-written; the file name is the page's url). Dates are written as local wall-clock times
# and converted to UTC here, so the seed is right across the 2025-11-02 DST change.
#
# Rules: the output depends on nothing but this file and pages/ (no clock, no randomness; keys
# in a fixed order), so `python3 recipes/demo/gen-seed.py > recipes/demo/seed.json` reproduces
# the committed file byte for byte (tests/e2e/t1000-demo.sh checks it). Every object keeps
# unlock <= due <= lock, overrides too (with the base date where they do not override one),
# because canvas-sim refuses a bulk_update with dates out of order. Ids are explicit and unique.
# Debian's python3 only (zoneinfo, json): no packages. Rejected: a hand-written seed.json (800
# lines of dates to keep consistent by hand) and jq (date arithmetic in a time zone is awkward).
import json
import os
import sys
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

TZ = ZoneInfo("America/New_York")
HERE = os.path.dirname(os.path.abspath(__file__))
COURSE = 5150
WEEK1 = date(2025, 9, 1)  # Monday of week 1 (Labor Day; classes start Tuesday)
SEC_001, SEC_002, SEC_H01 = 8101, 8102, 8103


def utc(d, hh=23, mm=59, ss=59):
    """Local wall-clock time on date d as Canvas's UTC string."""
    t = datetime(d.year, d.month, d.day, hh, mm, ss, tzinfo=TZ)
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def day(week, weekday):
    """The date of a weekday (0 = Monday) in a week of the term (1-based)."""
    return WEEK1 + timedelta(days=7 * (week - 1) + weekday)


MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
CREATED = "2025-07-14T15:02:41Z"
UPDATED = "2025-08-21T19:40:12Z"

assignments = []
next_override = [52001]


def override(title, due, lock=None, section=None, students=None):
    o = {"id": next_override[0], "title": title}
    next_override[0] += 1
    if section:
        o["course_section_id"] = section
    else:
        o["student_ids"] = students
    o["due_at"] = due
    if lock:
        o["lock_at"] = lock
    return o


def assignment(aid, name, group, points, due, unlock=None, lock=None, desc="", types=("online_upload",),
               overrides=None, **extra):
    a = {"id": aid, "name": name, "description": desc, "due_at": due, "unlock_at": unlock, "lock_at": lock,
         "points_possible": points, "grading_type": "points", "assignment_group_id": group,
         "position": sum(1 for x in assignments if x["assignment_group_id"] == group) + 1,
         "submission_types": list(types), "published": True, "created_at": CREATED, "updated_at": UPDATED}
    a.update(extra)
    if overrides:
        a["overrides"] = overrides
    assignments.append(a)
    return a


G_LAB, G_PS, G_PROJ, G_EXAM, G_QUIZ, G_PART = 5601, 5602, 5603, 5604, 5605, 5606
groups = [
    {"id": G_LAB, "name": "Labs", "position": 1, "group_weight": 20},
    {"id": G_PS, "name": "Problem Sets", "position": 2, "group_weight": 25},
    {"id": G_PROJ, "name": "Projects", "position": 3, "group_weight": 25},
    {"id": G_EXAM, "name": "Exams", "position": 4, "group_weight": 25},
    {"id": G_QUIZ, "name": "Reading Quizzes", "position": 5, "group_weight": 3},
    {"id": G_PART, "name": "Participation", "position": 6, "group_weight": 2},
]

# ---------------------------------------------------------------- labs: posted Monday, due Friday,
# accepted for one more week; section 002 (Friday afternoon lab) is due the Monday after.
LABS = [(1, "Hello, Python"), (2, "Expressions and Input"), (3, "Conditionals"), (4, "Loops"),
        (5, "Functions"), (6, "Testing with assert"), (8, "String Methods"), (9, "Lists"),
        (10, "Dictionaries"), (11, "Files and CSV"), (12, "Classes"), (14, "Recursion")]
for n, (week, topic) in enumerate(LABS, 1):
    fri, mon = day(week, FRI), day(week + 1, MON)
    assignment(51000 + n, f"Lab {n}: {topic}", G_LAB, 10, utc(fri), unlock=utc(day(week, MON), 0, 0, 0),
               lock=utc(fri + timedelta(days=7)),
               desc=f"<p>Complete the exercises of Lab {n} ({topic.lower()}) with your partner and upload "
                    f"<code>lab{n:02d}.py</code>. See the <a href=\"/courses/{COURSE}/pages/lab-guidelines\">"
                    "Lab Guidelines</a> for grading and late work.</p>",
               overrides=[override("CS 101-002", utc(mon), lock=utc(mon + timedelta(days=7)), section=SEC_002)])

# ---------------------------------------------------------------- problem sets: due Wednesday night,
# open from the Thursday before, three late days. Honors does extra problems (due Friday); one
# student has an accommodation of two extra days.
PSETS = [(2, "Arithmetic and Strings"), (3, "Decisions"), (4, "Loops and Patterns"), (6, "Functions"),
         (8, "Text Processing"), (9, "Lists"), (11, "Dictionaries"), (12, "Objects"),
         (13, "Inheritance"), (14, "Recursion")]
for n, (week, topic) in enumerate(PSETS, 1):
    due = day(week, TUE if week == 13 else WED)  # Thanksgiving week: due Tuesday
    ovs = []
    if n in (3, 6, 8):
        ovs.append(override("CS 101-H01 (Honors)", utc(due + timedelta(days=2)), section=SEC_H01))
    if n in (5, 7):
        ovs.append(override("1 student", utc(due + timedelta(days=2)), lock=utc(due + timedelta(days=5)),
                            students=[88412]))
    assignment(51100 + n, f"Problem Set {n}: {topic}", G_PS, 20, utc(due),
               unlock=utc(due - timedelta(days=6), 0, 0, 0), lock=utc(due + timedelta(days=3)),
               desc=f"<p>Problem Set {n} covers {topic.lower()}. Download the starter file from the "
                    "assignment, write your solutions in it, and submit it to the autograder. "
                    "Problems marked <strong>(H)</strong> are required for the Honors section only.</p>",
               overrides=ovs)

# ---------------------------------------------------------------- projects
P = "/courses/%d/pages/" % COURSE
assignment(51030, "Project 1: Text Adventure", G_PROJ, 50, utc(day(5, SUN)), unlock=utc(day(4, MON), 0, 0, 0),
           lock=utc(day(6, WED)),
           desc=f"<p>Write a text adventure with at least five rooms. The specification is on the "
                f"<a href=\"{P}project-1-text-adventure\">Project 1</a> page. Submit <code>adventure.py</code>.</p>")
assignment(51031, "Project 2: Hangman", G_PROJ, 50, utc(day(9, SUN)), unlock=utc(day(8, MON), 0, 0, 0),
           lock=utc(day(10, WED)),
           desc=f"<p>Hangman with a word list from a file; see <a href=\"{P}project-2-hangman\">Project 2</a>.</p>")
assignment(51032, "Project 3: Data Explorer", G_PROJ, 60, utc(day(13, SUN)), unlock=utc(day(11, MON), 0, 0, 0),
           lock=utc(day(14, WED)),
           desc=f"<p>Analyse the bike-share data set with classes; see "
                f"<a href=\"{P}project-3-data-explorer\">Project 3</a>. Submit your code and a PDF report.</p>",
           overrides=[override("CS 101-H01 (Honors)", utc(day(14, TUE)), section=SEC_H01)])
assignment(51033, "Final Project: Proposal", G_PROJ, 10, utc(day(11, FRI)),
           desc=f"<p>One page, as described in the <a href=\"{P}final-project-guide\">Final Project Guide</a>.</p>",
           types=("online_upload", "online_text_entry"))
assignment(51034, "Final Project: Checkpoint", G_PROJ, 20, utc(day(14, FRI)), lock=utc(day(15, MON)),
           desc="<p>Code that runs, and a list of what is left to do.</p>")
assignment(51035, "Final Project: Submission", G_PROJ, 70, utc(day(15, THU)), lock=utc(day(15, FRI)),
           desc="<p>Your code, a README and a link to a 3-minute video demo.</p>",
           types=("online_upload", "online_url"))

# ---------------------------------------------------------------- exams (on paper)
for aid, name, week, wd, pts in ((51040, "Midterm 1", 5, THU, 100), (51041, "Midterm 2", 10, THU, 100),
                                  (51042, "Final Exam", 15, WED, 150)):
    assignment(aid, name, G_EXAM, pts, utc(day(week, wd)), types=("on_paper",),
               desc=f"<p>{name}, on paper. Rules and topics: <a href=\"{P}midterm-and-final-exam-information\">"
                    "Midterm and Final Exam Information</a>.</p>")

# ---------------------------------------------------------------- classic quizzes
quizzes = []


def quiz(qid, title, qtype, desc, due=None, unlock=None, lock=None, aid=None, points=0, count=5,
         time_limit=15, attempts=1, show_at=None):
    q = {"id": qid, "title": title, "description": desc, "quiz_type": qtype, "time_limit": time_limit,
         "shuffle_answers": qtype != "survey", "show_correct_answers": qtype != "survey",
         "show_correct_answers_at": show_at, "hide_correct_answers_at": None, "allowed_attempts": attempts,
         "scoring_policy": "keep_highest", "points_possible": points, "question_count": count,
         "due_at": due, "unlock_at": unlock, "lock_at": lock, "published": True}
    if aid:
        q["assignment_id"] = aid
        assignment(aid, title, G_QUIZ, points, due, unlock=unlock, lock=lock, desc=desc, types=("online_quiz",),
                   quiz_id=qid, is_quiz_assignment=True)
    quizzes.append(q)


quiz(7301, "Syllabus Quiz", "assignment",
     "<p>Five questions about the syllabus. Unlimited attempts; a score of 4 unlocks the weekly modules.</p>",
     due=utc(day(1, FRI)), aid=51050, points=5, attempts=-1, time_limit=None)
READING = [(2, TUE, "Chapter 2: variables, expressions and statements"), (4, TUE, "Chapter 7: iteration"),
           (7, THU, "Chapter 8: strings"), (10, TUE, "Chapter 10: dictionaries"),
           (12, TUE, "Chapters 14&ndash;15: classes and objects"), (14, TUE, "Recursion (5.8, 6.6)")]
for n, (week, wd, reading) in enumerate(READING, 1):
    d = day(week, wd)
    quiz(7301 + n, f"Reading Quiz {n}", "assignment",
         f"<p>Five questions on {reading}. 15 minutes, one attempt; closes when lecture starts.</p>",
         due=utc(d, 10, 0, 0), unlock=utc(d - timedelta(days=5), 12, 0, 0), lock=utc(d, 10, 0, 0),
         aid=51050 + n, points=5, show_at=utc(d + timedelta(days=1), 10, 0, 0))
quiz(7310, "Practice Midterm", "practice_quiz",
     "<p>Last year's Midterm 1, as a practice quiz. Not graded; take it as often as you like.</p>",
     unlock=utc(day(4, FRI), 0, 0, 0), count=12, time_limit=None, attempts=-1)
quiz(7311, "Mid-semester Feedback Survey", "survey",
     "<p>Anonymous. What helps you learn in CS 101, and what should change? 5 minutes.</p>",
     unlock=utc(day(8, MON), 0, 0, 0), lock=utc(day(9, FRI)), count=6, time_limit=None)

# ---------------------------------------------------------------- discussions (graded ones with assignments)
topics = []


def topic(tid, title, message, aid=None, due=None, post=None, lock=None, todo=None, pinned=False,
          initial=False, kind="threaded"):
    t = {"id": tid, "title": title, "message": message, "discussion_type": kind, "delayed_post_at": post,
         "lock_at": lock, "todo_date": todo, "published": True, "pinned": pinned,
         "require_initial_post": initial, "posted_at": None, "created_at": CREATED,
         "user_name": "Prof. Dana Whitfield"}
    if aid:
        t["assignment_id"] = aid
        assignment(aid, title, G_PART, 10, due, desc=message, types=("discussion_topic",),
                   discussion_topic_id=tid)
    topics.append(t)


topic(6601, "Introduce Yourself",
      "<p>Tell us your name, your major (or your best guess), and one thing you would like to build with "
      "code. Reply to two classmates. Welcome to CS 101!</p>",
      lock=utc(day(2, FRI)), todo=utc(day(1, FRI), 23, 59, 0), pinned=True, kind="side_comment")
topic(6602, "Questions About the Course",
      "<p>Questions about the syllabus, the schedule or Canvas go here (assignment questions go to Ed).</p>",
      pinned=True)
topic(6603, "Debugging Stories",
      "<p>Describe a bug you spent too long on this week: what the program did, what you expected, and how "
      "you found the cause. Then suggest a strategy in reply to one classmate.</p>",
      aid=51060, due=utc(day(3, SUN)), post=utc(day(3, MON), 8, 0, 0), initial=True)
topic(6605, "Ethics in Computing: Who Is Responsible for a Bug?",
      "<p>Read the case study on the Therac-25 linked in the module. Who was responsible? Post 200 words and "
      "reply to two classmates.</p>",
      aid=51061, due=utc(day(10, SUN)), post=utc(day(10, MON), 8, 0, 0), initial=True)
topic(6604, "Final Project Peer Feedback",
      "<p>Post a link to your checkpoint video. Give specific, kind feedback to the two projects after "
      "yours in the list.</p>",
      aid=51062, due=utc(day(15, TUE)), post=utc(day(14, SAT), 8, 0, 0))

announcements = []
for aid, title, msg, when in (
        (6701, "Welcome to CS 101, Fall 2025!",
         "<p>Welcome! Our first lecture is Tuesday. Before then, read the syllabus and install Python "
         "(see <a href=\"/courses/5150/pages/setting-up-python-and-vs-code\">Setting Up Python</a>).</p>",
         utc(date(2025, 8, 28), 9, 0, 0)),
        (6702, "Labs start this week",
         "<p>Labs meet for the first time this week. Bring your laptop with Python installed.</p>",
         utc(day(1, TUE), 8, 0, 0)),
        (6703, "Midterm 1 on Thursday: what to bring",
         "<p>Midterm 1 is in class on Thursday. Bring a pencil, your ID and one hand-written sheet of "
         "notes. The review session is Tuesday evening.</p>", utc(day(5, MON), 9, 0, 0)),
        (6704, "Office hours moved this week",
         "<p>My Monday office hours move to Wednesday 2:00&ndash;4:00pm this week only.</p>",
         utc(day(9, FRI), 12, 0, 0)),
        (6705, "Final exam: room and time",
         "<p>The final exam is in the Hollis Hall Auditorium, 9:00am&ndash;12:00pm. SAS students: book your "
         "slot this week.</p>", utc(day(14, MON), 9, 0, 0))):
    announcements.append({"id": aid, "title": title, "message": msg, "delayed_post_at": when, "lock_at": None,
                          "published": True, "posted_at": None, "created_at": CREATED,
                          "user_name": "Prof. Dana Whitfield"})

events = []
for eid, title, d, start, end, where in (
        (8801, "CS Club: Intro to Git workshop", day(3, WED), (19, 0), (20, 30), "Hollis Hall 140"),
        (8802, "Midterm 1 review session", day(5, TUE), (18, 0), (19, 30), "Hollis Hall 120"),
        (8803, "Guest lecture: Software at NASA JPL", day(8, THU), (10, 5), (11, 20), "Hollis Hall 120"),
        (8804, "Midterm 2 review session", day(10, TUE), (18, 0), (19, 30), "Hollis Hall 120"),
        (8805, "HackTheHall hackathon", day(11, SAT), None, None, "Eastman Commons"),
        (8806, "Final project showcase", day(14, THU), (10, 5), (11, 20), "Hollis Hall 120"),
        (8807, "Final exam review session", day(15, MON), (14, 0), (16, 0), "Hollis Hall 120"),
        (8808, "Final Exam (all sections)", day(15, WED), (9, 0), (12, 0), "Hollis Hall Auditorium")):
    e = {"id": eid, "title": title}
    if start:
        e.update({"start_at": utc(d, *start, 0), "end_at": utc(d, *end, 0), "all_day": False})
    else:
        e.update({"start_at": utc(d, 0, 0, 0), "end_at": utc(d, 0, 0, 0), "all_day": True,
                  "all_day_date": d.isoformat()})
    e.update({"location_name": where, "description": f"<p>{title}. Open to all CS 101 students.</p>",
              "workflow_state": "active"})
    events.append(e)

# ---------------------------------------------------------------- pages
PAGE_ORDER = ["course-home", "syllabus-and-course-policies", "course-schedule",
              "getting-help-office-hours-and-tutoring", "setting-up-python-and-vs-code", "lab-guidelines",
              "how-to-submit-your-work", "academic-integrity-and-ai-tools", "python-style-guide",
              "project-1-text-adventure", "project-2-hangman", "project-3-data-explorer", "final-project-guide",
              "midterm-and-final-exam-information", "accessibility-and-accommodations"]
TITLES = {"course-home": "CS 101 Home", "project-1-text-adventure": "Project 1: Text Adventure",
          "project-2-hangman": "Project 2: Hangman", "project-3-data-explorer": "Project 3: Data Explorer",
          "getting-help-office-hours-and-tutoring": "Getting Help: Office Hours and Tutoring",
          "setting-up-python-and-vs-code": "Setting Up Python and VS Code",
          "how-to-submit-your-work": "How to Submit Your Work"}
pages = []
for i, url in enumerate(PAGE_ORDER):
    with open(os.path.join(HERE, "pages", url + ".html"), encoding="utf-8") as f:
        body = f.read().rstrip("\n")
    title = TITLES.get(url) or url.replace("-", " ").title().replace(" And ", " and ").replace(" Ai ", " AI ")
    pages.append({"page_id": 4301 + i, "url": url, "title": title, "body": body, "published": True,
                  "front_page": url == "course-home", "editing_roles": "teachers", "todo_date": None,
                  "publish_at": None, "created_at": CREATED, "updated_at": UPDATED})

# ---------------------------------------------------------------- modules
by_name = {a["name"]: a["id"] for a in assignments}
quiz_id = {q["title"]: q["id"] for q in quizzes}
topic_id = {t["title"]: t["id"] for t in topics}
modules = []
next_item = [9201]


def item(spec):
    kind, ref = spec[0], spec[1]
    it = {"id": next_item[0], "title": ref, "indent": 1, "type": kind, "published": True}
    next_item[0] += 1
    if kind == "SubHeader":
        it["indent"] = 0
    elif kind == "Page":
        it["page_url"] = ref
        it["title"] = next(p["title"] for p in pages if p["url"] == ref)
        it["completion_requirement"] = {"type": "must_view"}
    elif kind == "Assignment":
        it["content_id"] = by_name[ref]
        it["completion_requirement"] = {"type": "must_submit"}
    elif kind == "Quiz":
        it["content_id"] = quiz_id[ref]
        it["completion_requirement"] = ({"type": "min_score", "min_score": 4} if ref == "Syllabus Quiz"
                                        else {"type": "must_submit"})
    elif kind == "Discussion":
        it["content_id"] = topic_id[ref]
        it["completion_requirement"] = {"type": "must_contribute"}
    elif kind == "ExternalUrl":
        it["title"], it["external_url"], it["new_tab"] = ref, spec[2], True
    return it


def module(name, week, specs, sequential=False, prereq=None):
    m = {"id": 9101 + len(modules), "name": name, "position": len(modules) + 1,
         "unlock_at": utc(day(week, MON), 0, 0, 0) if week else None,
         "require_sequential_progress": sequential, "publish_final_grade": False,
         "prerequisite_module_ids": [prereq] if prereq else [], "published": True, "items": []}
    for pos, spec in enumerate(specs, 1):
        it = item(spec)
        it["position"] = pos
        m["items"].append(it)
    modules.append(m)
    return m["id"]


def lab(n):
    return ("Assignment", next(a["name"] for a in assignments if a["name"].startswith(f"Lab {n}:")))


def ps(n):
    return ("Assignment", next(a["name"] for a in assignments if a["name"].startswith(f"Problem Set {n}:")))


start = module("Start Here (Fall 2025)", None, [
    ("SubHeader", "Welcome to CS 101"), ("Page", "course-home"), ("Page", "syllabus-and-course-policies"),
    ("Quiz", "Syllabus Quiz"), ("Discussion", "Introduce Yourself"), ("Page", "course-schedule"),
    ("Page", "getting-help-office-hours-and-tutoring"), ("Page", "academic-integrity-and-ai-tools"),
    ("Page", "accessibility-and-accommodations"),
    ("ExternalUrl", "Ed Discussion", "https://edstem.org/us/courses/61234")], sequential=True)
module("Week 1: Hello, Python", 1, [
    ("SubHeader", "Before lab"), ("Page", "setting-up-python-and-vs-code"), ("Page", "lab-guidelines"),
    ("SubHeader", "Due this week"), lab(1)], prereq=start)
module("Week 2: Variables, Types and Expressions", 2, [
    ("Quiz", "Reading Quiz 1"), ("Page", "python-style-guide"), ("Page", "how-to-submit-your-work"), lab(2), ps(1)])
module("Week 3: Conditionals and Boolean Logic", 3, [lab(3), ps(2), ("Discussion", "Debugging Stories")])
module("Week 4: Loops", 4, [("Quiz", "Reading Quiz 2"), lab(4), ps(3), ("Quiz", "Practice Midterm")])
module("Weeks 5-6: Functions and Testing", 5, [
    ("Page", "project-1-text-adventure"), ("Assignment", "Project 1: Text Adventure"), lab(5),
    ("Page", "midterm-and-final-exam-information"), ("Assignment", "Midterm 1"), lab(6), ps(4)])
module("Weeks 7-8: Strings and Text Files", 7, [
    ("Quiz", "Reading Quiz 3"), lab(7), ps(5), ("Quiz", "Mid-semester Feedback Survey")])
module("Week 9: Lists and Tuples", 9, [
    ("Page", "project-2-hangman"), ("Assignment", "Project 2: Hangman"), lab(8), ps(6)])
module("Weeks 10-11: Dictionaries and Sets", 10, [
    ("Quiz", "Reading Quiz 4"), lab(9), ("Assignment", "Midterm 2"),
    ("Discussion", "Ethics in Computing: Who Is Responsible for a Bug?"), lab(10), ps(7)])
module("Weeks 12-13: Classes and Objects", 12, [
    ("Quiz", "Reading Quiz 5"), lab(11), ps(8), ("Page", "project-3-data-explorer"),
    ("Assignment", "Project 3: Data Explorer"), ps(9)])
module("Week 14: Recursion and Searching", 14, [("Quiz", "Reading Quiz 6"), lab(12), ps(10)])
module("Final Project and Final Exam", 11, [
    ("Page", "final-project-guide"), ("Assignment", "Final Project: Proposal"),
    ("Assignment", "Final Project: Checkpoint"), ("Discussion", "Final Project Peer Feedback"),
    ("Assignment", "Final Project: Submission"), ("Assignment", "Final Exam")], sequential=True)

syllabus = ("<h2>CS 101: Introduction to Programming &mdash; Fall 2025</h2>\n"
            "<p>Prof. Dana Whitfield &middot; Hollis Hall 312 &middot; Office hours: Mon 2:00&ndash;4:00pm, "
            "Thu 11:30am&ndash;12:30pm.</p>\n"
            "<p>The full syllabus, grading and policies are on the <a href=\"/courses/5150/pages/"
            "syllabus-and-course-policies\">Syllabus and Course Policies</a> page. Every due date of the "
            "term is listed below, from the assignments themselves.</p>")

seed = {
    "tokens": ["demo-token"],
    "user_time_zone": "America/New_York",
    "accounts": [{"id": 14, "name": "Department of Computer Science", "parent_account_id": 1,
                  "root_account_id": 1}],
    "terms": [{"id": 91, "name": "Fall 2025", "start_at": utc(date(2025, 9, 2), 0, 0, 0),
               "end_at": utc(date(2025, 12, 12)), "workflow_state": "active", "sis_term_id": "2025FA"},
              {"id": 92, "name": "Spring 2026", "start_at": utc(date(2026, 1, 20), 0, 0, 0),
               "end_at": utc(date(2026, 5, 8)), "workflow_state": "active", "sis_term_id": "2026SP"}],
    "courses": [{
        "id": COURSE, "name": "Introduction to Programming", "course_code": "CS 101",
        "account_id": 14, "root_account_id": 1, "enrollment_term_id": 91,
        "uuid": "c5Dq0Ww1rT8yJm3VbN7kL2pXs9Fh4Ga6ZeUo5QiR", "sis_course_id": "CS101-001-2025FA",
        "start_at": utc(date(2025, 9, 2), 0, 0, 0), "end_at": utc(date(2025, 12, 12)),
        "time_zone": "America/New_York", "workflow_state": "unpublished", "default_view": "modules",
        "restrict_enrollments_to_course_dates": False, "blueprint": False, "created_at": CREATED,
        "syllabus_body": syllabus,
        "sections": [{"id": SEC_001, "name": "CS 101-001"}, {"id": SEC_002, "name": "CS 101-002"},
                     {"id": SEC_H01, "name": "CS 101-H01 (Honors)"}],
        "assignment_groups": groups,
        "assignments": assignments, "quizzes": quizzes, "discussion_topics": topics,
        "announcements": announcements, "calendar_events": events, "modules": modules, "pages": pages,
    }],
}


def check(a, keys=("unlock_at", "due_at", "lock_at"), base=None):
    vals = [(a[k] if k in a else (base or {}).get(k)) for k in keys]
    got = [v for v in vals if v]
    assert got == sorted(got), f"dates out of order in {a.get('name') or a.get('title')}: {vals}"


for a in assignments:
    check(a)
    for o in a.get("overrides", []):
        check(o, base=a)
for q in quizzes:
    check(q)
assert len({a["id"] for a in assignments}) == len(assignments)

json.dump(seed, sys.stdout, indent=1, ensure_ascii=False)
sys.stdout.write("\n")

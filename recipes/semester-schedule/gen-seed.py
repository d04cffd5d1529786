#!/usr/bin/env python3
# recipes/semester-schedule/gen-seed.py -- writes seed.json next to it: a canvas-sim course (MATH 152,
# America/New_York, Spring 2026) copied from last fall without date shifting, whose assignments,
# quizzes, a graded discussion, modules and pages carry only names like "Week 4 Quiz" and the old
# term's dates. recipes/semester-schedule/recipe.yaml gives it its whole schedule in one step
# (tests/e2e/t1200-schedule.sh checks the result against canvas-sim).
#   python3 recipes/semester-schedule/gen-seed.py
import json
import os

C = 6100
course = {
    "id": C, "name": "Calculus II", "course_code": "MATH 152", "account_id": 1, "root_account_id": 1,
    "enrollment_term_id": 30, "time_zone": "America/New_York", "workflow_state": "available",
    "start_at": "2026-01-12T05:00:00Z", "end_at": "2026-05-02T03:59:59Z",
    "syllabus_body": "<p>Problem sets are due Thursdays, quizzes are on Fridays.</p>",
    "assignments": [], "quizzes": [], "discussion_topics": [], "modules": [], "pages": [],
}
# Fall 2025 dates, as course copy left them: problem set N was due Thu of fall week N (fall week 1
# began Mon 2025-08-25), at 23:59 EDT/EST; these are the BEFORE values, all to be replaced.
FALL_THU = ["2025-08-29", "2025-09-05", "2025-09-12", "2025-09-19", "2025-09-26", "2025-10-03",
            "2025-10-10", "2025-10-17", "2025-10-24", "2025-10-31", "2025-11-07", "2025-11-14",
            "2025-11-21", "2025-12-05", "2025-12-12"]
for n in range(1, 15):
    a = {"id": 6200 + n, "name": "Problem Set %d" % n, "description": "<p>Exercises.</p>",
         "due_at": FALL_THU[n - 1] + "T03:59:00Z", "unlock_at": None, "lock_at": None,
         "points_possible": 10, "grading_type": "points", "position": n,
         "submission_types": ["online_upload"], "published": True, "overrides": []}
    course["assignments"].append(a)
# Problem Set 3: section 02 gets one more day (Fri 2025-09-12 12:00 EDT), a student a later lock
ps3 = course["assignments"][2]
ps3["lock_at"] = "2025-09-15T03:59:00Z"
ps3["overrides"] = [
    {"id": 6261, "title": "Section 02", "course_section_id": 71, "due_at": "2025-09-12T16:00:00Z"},
    {"id": 6262, "title": "1 student", "student_ids": [9101], "due_at": "2025-09-14T03:59:00Z",
     "lock_at": "2025-09-17T03:59:00Z"},
]
# the final project: no rule names it, it keeps its date
course["assignments"].append({"id": 6299, "name": "Final Project", "due_at": "2025-12-16T04:59:00Z",
                              "unlock_at": None, "lock_at": None, "points_possible": 100,
                              "grading_type": "points", "position": 15,
                              "submission_types": ["online_upload"], "published": True, "overrides": []})
# quizzes in even weeks, each a classic quiz with its assignment
for i, w in enumerate(range(2, 15, 2)):
    aid, qid = 6301 + i, 6401 + i
    due = "2025-09-%02dT21:00:00Z" % (5 + i)
    course["assignments"].append({
        "id": aid, "name": "Week %d Quiz" % w, "description": "<p>Ten questions.</p>", "due_at": due, "unlock_at": None, "lock_at": None,
        "points_possible": 5, "grading_type": "points", "position": 20 + i,
        "submission_types": ["online_quiz"], "quiz_id": qid, "published": True, "overrides": []})
    course["quizzes"].append({
        "id": qid, "title": "Week %d Quiz" % w, "description": "<p>Ten questions.</p>", "quiz_type": "assignment",
        "assignment_id": aid, "time_limit": 30, "due_at": due, "unlock_at": None, "lock_at": None,
        "points_possible": 5, "question_count": 10, "published": True})
# a graded discussion
course["assignments"].append({"id": 6351, "name": "Week 3 Discussion", "description": "<p>Series.</p>",
                              "due_at": "2025-09-10T03:59:00Z",
                              "unlock_at": None, "lock_at": None, "points_possible": 5,
                              "grading_type": "points", "position": 40,
                              "submission_types": ["discussion_topic"], "discussion_topic_id": 6501,
                              "published": True, "overrides": []})
course["discussion_topics"].append({"id": 6501, "title": "Week 3 Discussion", "message": "<p>Series.</p>",
                                    "assignment_id": 6351, "discussion_type": "threaded",
                                    "delayed_post_at": None, "lock_at": None, "todo_date": None,
                                    "published": True})
for w in range(1, 16):
    course["modules"].append({"id": 6700 + w, "name": "Week %d" % w, "position": w, "unlock_at": None,
                              "published": True, "require_sequential_progress": False,
                              "prerequisite_module_ids": [], "items": []})
for i, w in enumerate([1, 5, 10, 16]):
    course["pages"].append({"page_id": 6801 + i, "url": "week-%d-notes" % w, "title": "Week %d Notes" % w,
                            "body": "<p>Read the notes.</p>", "published": True, "front_page": False,
                            "editing_roles": "teachers", "todo_date": "2025-09-01T13:00:00Z",
                            "publish_at": None})

seed = {
    "tokens": ["test-token-1", "demo-token"],
    "user_time_zone": "America/New_York",
    "accounts": [{"id": 1, "name": "University", "parent_account_id": None, "root_account_id": 1}],
    "terms": [{"id": 30, "name": "Spring 2026", "start_at": "2026-01-12T05:00:00Z",
               "end_at": "2026-05-02T03:59:59Z", "workflow_state": "active", "sis_term_id": "2026SP"}],
    "courses": [course],
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seed.json")
with open(out, "w") as f:
    json.dump(seed, f, indent=1, sort_keys=True)
    f.write("\n")

#!/usr/bin/python3
"""tests/e2e/ci-run.py -- run one job of a GitHub Actions workflow or a GitLab CI file, locally.

    ci-run.py github WORKFLOW.yml JOB --artifacts DIR [--ctx NAME=VALUE]... [--report FILE]
    ci-run.py gitlab .gitlab-ci.yml JOB --artifacts DIR [--var NAME=VALUE]... [--report FILE]

Run in the checkout the job would see (the current directory). It is what t0870-ci-template.sh
uses to exercise the workflow files of recipes/ci-template/ against canvas-sim: the shell steps
run exactly as written, in order, in one job's environment, so a typo in a step, a missing
variable or a wrong exit-code test fails the test as it would fail the pipeline.

What it understands is only what those files use, and anything else is refused (exit 2) rather
than guessed at, so the files cannot drift into constructs this runner silently skips:

GitHub: the job's `if:`; `env:` at workflow, job and step level; `defaults.run.shell: bash`
(bash --noprofile --norc -eo pipefail, as the runner does); `run:` steps, with `id:` and `if:`;
$GITHUB_OUTPUT (steps.ID.outputs.NAME), $GITHUB_ENV, $GITHUB_STEP_SUMMARY; `uses:` of
actions/checkout (nothing to do: this is the checkout) and actions/upload-artifact (the files
are copied to DIR/NAME/, relative to their common directory, as v4 stores them). Expressions
`${{ ... }}`: contexts github.*, secrets.*, vars.* (from --ctx: an unknown github.* is an error,
an unset secret or variable is empty, as on GitHub), steps.ID.outputs/outcome/conclusion,
'strings', ==, !=, &&, ||, !, parentheses, always(), success(), failure(). `${{` inside a `run:`
script is refused: values reach scripts through env:, which is also what GitHub recommends
against script injection.

GitLab: `workflow: rules:` and the job's `rules:` (`if:` with $VAR, "strings", ==, !=, &&, ||,
parentheses; `when: never`); `variables:` (file, job; --var gives the predefined and the CI/CD
variables); `before_script` (the job's, else `default:`'s) and `script` run in one bash with
-eo pipefail, as the runner's bash shell does; `artifacts: paths` with `when:` (the paths are
kept under DIR/JOB/).

The environment of the steps is built from scratch: PATH, HOME, LANG, TMPDIR, TZ and FAKE_*
(the test's fakes read those) are kept, nothing else, so a variable the workflow forgets to pass
(the Canvas token, the URL) is missing here as it would be in CI.

Exit: 0 the job succeeded, 1 a step failed, 3 the job does not run for this event (its if:
or rules: say no), 2 usage or a construct this runner does not support. --report writes a JSON
list of the steps run: name, id, rc, outputs.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml


class Unsupported(Exception):
    """A construct the runner refuses (exit 2)."""


KEEP_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ")


def base_env():
    env = {k: v for k, v in os.environ.items() if k in KEEP_ENV or k.startswith("FAKE_")}
    env["CI"] = "true"
    return env


# ---------------------------------------------------------------- expressions

TOKEN_RE = re.compile(r"""\s*(?:
    (?P<str>'(?:[^']|'')*'|"[^"]*")
  | (?P<op>==|!=|&&|\|\||!|\(|\))
  | (?P<func>(?:always|success|failure|cancelled)\(\))
  | (?P<var>\$[A-Za-z_][A-Za-z0-9_]*)
  | (?P<path>[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*)
  | (?P<num>\d+)
)""", re.X)


def translate(expr, lookup, funcs):
    """Turn an expression into a Python one over literal values; lookup(name) gives a context value."""
    out, pos, vals = [], 0, []
    expr = expr.strip()
    while pos < len(expr):
        m = TOKEN_RE.match(expr, pos)
        if not m or m.end() == pos:
            raise Unsupported("cannot read the expression %r at %r" % (expr, expr[pos:]))
        pos = m.end()
        if m.group("str"):
            s = m.group("str")
            vals.append(s[1:-1].replace("''", "'") if s[0] == "'" else s[1:-1])
            out.append("v[%d]" % (len(vals) - 1))
        elif m.group("op"):
            out.append({"==": "==", "!=": "!=", "&&": " and ", "||": " or ", "!": " not ",
                        "(": "(", ")": ")"}[m.group("op")])
        elif m.group("func"):
            out.append(repr(funcs[m.group("func")[:-2]]))
        elif m.group("num"):
            out.append(m.group("num"))
        else:
            name = m.group("var") or m.group("path")
            if name in ("true", "false", "null"):
                out.append({"true": "True", "false": "False", "null": "None"}[name])
                continue
            vals.append(lookup(name))
            out.append("v[%d]" % (len(vals) - 1))
    try:
        return eval("".join(out), {"__builtins__": {}}, {"v": vals})  # noqa: S307 (only literals)
    except SyntaxError as e:
        raise Unsupported("cannot evaluate the expression %r: %s" % (expr, e))


def truthy(v):
    return v not in (None, False, "", 0)


# ---------------------------------------------------------------- GitHub

class GitHub:
    def __init__(self, doc, ctx, artifacts):
        self.doc, self.ctx, self.artifacts = doc, ctx, artifacts
        self.steps = {}          # id -> {"outputs":..., "outcome":...}
        self.failed = False
        self.report = []

    def lookup(self, name):
        if name in self.ctx:
            return self.ctx[name]
        parts = name.split(".")
        if parts[0] in ("secrets", "vars") and len(parts) == 2:
            return ""
        if parts[0] == "steps" and len(parts) >= 3:
            st = self.steps.get(parts[1])
            if st is None:
                return ""
            if parts[2] == "outputs" and len(parts) == 4:
                return st["outputs"].get(parts[3], "")
            if parts[2] in ("outcome", "conclusion") and len(parts) == 3:
                return st["outcome"]
        raise Unsupported("unknown context %r (give it with --ctx %s=...)" % (name, name))

    def funcs(self):
        return {"always": True, "success": not self.failed, "failure": self.failed, "cancelled": False}

    def expand(self, value):
        """${{ expr }} inside a string value."""
        if not isinstance(value, str):
            return "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)

        def one(m):
            v = translate(m.group(1), self.lookup, self.funcs())
            return "" if v is None else str(v)
        return re.sub(r"\$\{\{(.*?)\}\}", one, value)

    def cond(self, text, implicit_success=True):
        text = str(text).strip()
        if text.startswith("${{") and text.endswith("}}"):
            text = text[3:-2]
        v = truthy(translate(text, self.lookup, self.funcs()))
        if implicit_success and not re.search(r"\b(always|success|failure|cancelled)\(\)", text):
            v = v and not self.failed
        return v

    def run_job(self, name):
        jobs = self.doc.get("jobs") or {}
        if name not in jobs:
            raise Unsupported("no job %r in the workflow (jobs: %s)" % (name, ", ".join(jobs)))
        job = jobs[name]
        for key in job:
            if key not in ("if", "runs-on", "permissions", "steps", "env", "environment", "concurrency",
                           "timeout-minutes", "defaults", "name"):
                raise Unsupported("job key %r is not supported" % key)
        if "if" in job and not self.cond(job["if"], implicit_success=False):
            print("ci-run: job %s does not run for this event (if: %s)" % (name, job["if"]))
            return 3
        shell = ((job.get("defaults") or {}).get("run") or {}).get("shell") or \
            ((self.doc.get("defaults") or {}).get("run") or {}).get("shell") or "bash"
        if shell != "bash":
            raise Unsupported("shell %r is not supported" % shell)
        tmp = tempfile.mkdtemp(prefix="ci-run-")
        env = base_env()
        env.update({
            "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": os.getcwd(), "RUNNER_TEMP": tmp,
            "GITHUB_EVENT_NAME": self.ctx.get("github.event_name", ""),
            "GITHUB_REPOSITORY": self.ctx.get("github.repository", ""),
            "GITHUB_SHA": self.ctx.get("github.sha", ""),
            "GITHUB_REF": self.ctx.get("github.ref", ""),
            "GITHUB_RUN_ID": self.ctx.get("github.run_id", ""),
            "GITHUB_STEP_SUMMARY": os.path.join(tmp, "step-summary.md"),
        })
        for scope in (self.doc.get("env") or {}, job.get("env") or {}):
            for k, v in scope.items():
                env[k] = self.expand(v)
        for i, step in enumerate(job.get("steps") or []):
            self.run_step(i, step, env, tmp)
        shutil.rmtree(tmp, ignore_errors=True)
        return 1 if self.failed else 0

    def run_step(self, i, step, env, tmp):
        for key in step:
            if key not in ("name", "id", "if", "env", "run", "uses", "with", "shell", "working-directory"):
                raise Unsupported("step key %r is not supported" % key)
        title = step.get("name") or step.get("uses") or "step %d" % (i + 1)
        sid = step.get("id") or "__step%d" % i
        if "if" in step:
            run = self.cond(step["if"])
        else:
            run = not self.failed
        if not run:
            print("ci-run: --- %s (skipped)" % title, flush=True)
            self.steps[sid] = {"outputs": {}, "outcome": "skipped"}
            return
        print("ci-run: --- %s" % title, flush=True)
        senv = dict(env)
        for k, v in (step.get("env") or {}).items():
            senv[k] = self.expand(v)
        outputs = {}
        if "run" in step:
            script = step["run"]
            if "${{" in script:
                raise Unsupported("step %r: ${{ }} inside run:; pass the value through env:" % title)
            if step.get("shell", "bash") != "bash":
                raise Unsupported("step %r: shell %r" % (title, step["shell"]))
            out_file = os.path.join(tmp, "output-%d" % i)
            env_file = os.path.join(tmp, "env-%d" % i)
            open(out_file, "w").close()
            open(env_file, "w").close()
            senv["GITHUB_OUTPUT"], senv["GITHUB_ENV"] = out_file, env_file
            path = os.path.join(tmp, "step-%d.sh" % i)
            with open(path, "w") as f:
                f.write(script)
            cwd = step.get("working-directory") or "."
            rc = subprocess.call(["bash", "--noprofile", "--norc", "-eo", "pipefail", path], env=senv, cwd=cwd)
            outputs = read_kv(out_file)
            env.update(read_kv(env_file))
        elif "uses" in step:
            rc = self.uses(step, title)
        else:
            raise Unsupported("step %r has neither run: nor uses:" % title)
        print("ci-run: --- %s: exit %d" % (title, rc), flush=True)
        self.steps[sid] = {"outputs": outputs, "outcome": "success" if rc == 0 else "failure"}
        self.report.append({"name": title, "id": step.get("id"), "rc": rc, "outputs": outputs})
        if rc != 0:
            self.failed = True

    def uses(self, step, title):
        action = step["uses"].split("@")[0]
        with_ = {k: self.expand(v) for k, v in (step.get("with") or {}).items()}
        if action == "actions/checkout":
            return 0
        if action == "actions/upload-artifact":
            for k in with_:
                if k not in ("name", "path", "if-no-files-found", "retention-days"):
                    raise Unsupported("upload-artifact: input %r" % k)
            files = []
            for pat in (with_.get("path") or "").splitlines():
                pat = pat.strip()
                if not pat:
                    continue
                for p in sorted(glob.glob(pat)):
                    if os.path.isdir(p):
                        for root, _, names in os.walk(p):
                            files += [os.path.join(root, n) for n in sorted(names)]
                    else:
                        files.append(p)
            if not files:
                how = with_.get("if-no-files-found", "warn")
                print("ci-run: upload-artifact: no files (%s)" % how)
                return 1 if how == "error" else 0
            base = os.path.commonpath([os.path.dirname(os.path.abspath(f)) for f in files])
            dest = os.path.join(self.artifacts, with_.get("name") or "artifact")
            for f in files:
                to = os.path.join(dest, os.path.relpath(os.path.abspath(f), base))
                os.makedirs(os.path.dirname(to), exist_ok=True)
                shutil.copy2(f, to)
            print("ci-run: upload-artifact: %d file(s) to %s" % (len(files), dest))
            return 0
        raise Unsupported("step %r uses %s, which this runner does not know" % (title, action))


def read_kv(path):
    """NAME=VALUE lines, and NAME<<EOF ... EOF blocks, as $GITHUB_OUTPUT holds them."""
    out = {}
    with open(path) as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_-]*)<<(.+)$", line)
        if m:
            end, val = m.group(2), []
            i += 1
            while i < len(lines) and lines[i] != end:
                val.append(lines[i])
                i += 1
            out[m.group(1)] = "\n".join(val)
        elif "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
        i += 1
    return out


# ---------------------------------------------------------------- GitLab

GITLAB_TOP = ("workflow", "stages", "variables", "default", "image", "include", "before_script",
              "after_script", "cache", "services")


class GitLab:
    def __init__(self, doc, variables, artifacts):
        self.doc, self.vars, self.artifacts = doc, dict(variables), artifacts
        self.report = []

    def lookup(self, name):
        if not name.startswith("$"):
            raise Unsupported("%r in a rules: if: (variables are written $NAME)" % name)
        return self.vars.get(name[1:])

    def rules_say_run(self, rules):
        for rule in rules:
            for k in rule:
                if k not in ("if", "when"):
                    raise Unsupported("rule key %r is not supported" % k)
            if "if" not in rule or truthy(translate(rule["if"], self.lookup, {})):
                return rule.get("when", "on_success") != "never"
        return False

    def run_job(self, name):
        for key in self.doc:
            if key not in GITLAB_TOP and not key.startswith(".") and not isinstance(self.doc[key], dict):
                raise Unsupported("top-level key %r is not supported" % key)
        if "include" in self.doc:
            raise Unsupported("include: is not supported")
        wf = self.doc.get("workflow") or {}
        if "rules" in wf and not self.rules_say_run(wf["rules"]):
            print("ci-run: no pipeline for this event (workflow: rules:)")
            return 3
        job = self.doc.get(name)
        if not isinstance(job, dict) or name in GITLAB_TOP or name.startswith("."):
            raise Unsupported("no job %r in the file" % name)
        for key in job:
            if key not in ("stage", "rules", "script", "before_script", "variables", "artifacts",
                           "resource_group", "image", "interruptible"):
                raise Unsupported("job key %r is not supported" % key)
        if "rules" in job and not self.rules_say_run(job["rules"]):
            print("ci-run: job %s does not run in this pipeline (rules:)" % name)
            return 3
        env = base_env()
        env["GITLAB_CI"] = "true"
        env.update({k: str(v) for k, v in (self.doc.get("variables") or {}).items()})
        env.update({k: str(v) for k, v in (job.get("variables") or {}).items()})
        env.update(self.vars)
        default = self.doc.get("default") or {}
        before = job.get("before_script", default.get("before_script", self.doc.get("before_script", [])))
        lines = [str(x) for x in flatten(before) + flatten(job.get("script"))]
        if not lines:
            raise Unsupported("job %r has no script" % name)
        tmp = tempfile.mkdtemp(prefix="ci-run-")
        path = os.path.join(tmp, "script.sh")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        print("ci-run: --- %s" % name, flush=True)
        rc = subprocess.call(["bash", "--noprofile", "--norc", "-eo", "pipefail", path], env=env)
        print("ci-run: --- %s: exit %d" % (name, rc), flush=True)
        shutil.rmtree(tmp, ignore_errors=True)
        self.report.append({"name": name, "id": name, "rc": rc, "outputs": {}})
        art = job.get("artifacts") or {}
        when = art.get("when", "on_success")
        if art.get("paths") and (when == "always" or (when == "on_success") == (rc == 0)):
            dest = os.path.join(self.artifacts, name)
            n = 0
            for pat in art["paths"]:
                for p in sorted(glob.glob(pat.rstrip("/"))):
                    walk = [p] if not os.path.isdir(p) else \
                        [os.path.join(r, f) for r, _, fs in os.walk(p) for f in sorted(fs)]
                    for f in walk:
                        to = os.path.join(dest, os.path.relpath(f))
                        os.makedirs(os.path.dirname(to), exist_ok=True)
                        shutil.copy2(f, to)
                        n += 1
            print("ci-run: artifacts: %d file(s) to %s" % (n, dest))
        return 0 if rc == 0 else 1


def flatten(x):
    if x is None:
        return []
    if isinstance(x, list):
        return [y for e in x for y in flatten(e)]
    return [x]


# ---------------------------------------------------------------- main

def main(argv):
    if len(argv) < 4 or argv[1] not in ("github", "gitlab"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    kind, path, job = argv[1], argv[2], argv[3]
    pairs, artifacts, report = {}, None, None
    rest = argv[4:]
    while rest:
        opt = rest.pop(0)
        if opt in ("--ctx", "--var") and rest:
            k, sep, v = rest.pop(0).partition("=")
            if not sep:
                print("ci-run: %s wants NAME=VALUE" % opt, file=sys.stderr)
                return 2
            pairs[k] = v
        elif opt == "--artifacts" and rest:
            artifacts = rest.pop(0)
        elif opt == "--report" and rest:
            report = rest.pop(0)
        else:
            print("ci-run: unknown option %s" % opt, file=sys.stderr)
            return 2
    if not artifacts:
        print("ci-run: --artifacts DIR is required", file=sys.stderr)
        return 2
    os.makedirs(artifacts, exist_ok=True)
    with open(path) as f:
        doc = yaml.safe_load(f)
    runner = GitHub(doc, pairs, artifacts) if kind == "github" else GitLab(doc, pairs, artifacts)
    try:
        rc = runner.run_job(job)
    except Unsupported as e:
        print("ci-run: unsupported: %s" % e, file=sys.stderr)
        rc = 2
    if report:
        with open(report, "w") as f:
            json.dump(runner.report, f, indent=1)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))

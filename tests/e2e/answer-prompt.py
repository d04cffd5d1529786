# tests/e2e/answer-prompt.py OUT WAIT CMD ARGS... -- run CMD on a terminal (a pty), as a person at
# a prompt would: when it asks "[y/N]", the shell command in $EDIT (if set) runs -- a teacher's
# edit made while the plan is on screen -- then WAIT seconds pass and "y" is answered. Everything
# CMD wrote goes to OUT (raw, \r and escapes kept); the exit status is CMD's. Shared by t0926 and
# t0970 (t0950 drives its pty by signals instead).
import os
import pty
import select
import subprocess
import sys
import time

out, wait, argv = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
buf, end = b"", time.time() + 60


def more(t):
    global buf
    r, _, _ = select.select([fd], [], [], t)
    if not r:
        return True
    try:
        d = os.read(fd, 65536)
    except OSError:
        return False
    buf += d
    return bool(d)


while b"[y/N]" not in buf and time.time() < end and more(1):
    pass
if os.environ.get("EDIT"):
    subprocess.run(os.environ["EDIT"], shell=True, check=True)
time.sleep(wait)
os.write(fd, b"y\n")
while more(60):
    pass
_, status = os.waitpid(pid, 0)
open(out, "wb").write(buf)
sys.exit(os.waitstatus_to_exitcode(status))

"""Run a peer script and add the process CPU seconds spent since the previous line to each JSON line it prints.

Usage: /usr/bin/python3 bench/peers/with_cpu.py SCRIPT.py [ARGS...]
Every printed line that is a JSON object gains "cpu" (user + system seconds of this process, all threads,
since the previous such line; the first one counts from the start of the script, imports included).
"""
import json
import resource
import runpy
import sys


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class Stamp:
    def __init__(self, out):
        self.out, self.buf, self.last = out, "", cpu()

    def write(self, s):
        self.buf += s
        while "\n" in self.buf:
            line, self.buf = self.buf.split("\n", 1)
            try:
                o = json.loads(line)
                now = cpu()
                o["cpu"], self.last = round(now - self.last, 4), now
                line = json.dumps(o)
            except (ValueError, TypeError):
                pass
            self.out.write(line + "\n")
        return len(s)

    def flush(self):
        self.out.flush()


script = sys.argv[1]
sys.argv = sys.argv[1:]
sys.stdout = Stamp(sys.stdout)
runpy.run_path(script, run_name="__main__")
sys.stdout.flush()

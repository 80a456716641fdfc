#!/usr/bin/env python3
"""CPU time of each thread of a command and its children (Linux /proc), sampled every 20 ms until it exits.

    python3 bench/thread-cpu.py node dist/src/cli/main.js batch ...

Prints one line per thread (user and system seconds; a batch's worker threads are the two busiest after the main
thread, V8's compiler and GC threads the next), the wall time and the totals. Output of the command is discarded.
"""
import collections
import os
import subprocess
import sys
import time

command = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
tick = os.sysconf('SC_CLK_TCK')
last = {}
start = time.time()


def processes(root):
    found = [root]
    try:
        for task in os.listdir(f'/proc/{root}/task'):
            try:
                found += [int(c) for c in open(f'/proc/{root}/task/{task}/children').read().split()]
            except OSError:
                pass
    except OSError:
        pass
    return found


while command.poll() is None:
    for pid in processes(command.pid):
        try:
            for tid in os.listdir(f'/proc/{pid}/task'):
                try:
                    stat = open(f'/proc/{pid}/task/{tid}/stat').read()
                    name = stat[stat.index('(') + 1:stat.rindex(')')]
                    fields = stat[stat.rindex(')') + 2:].split()
                    last[(pid, int(tid))] = (name, int(fields[11]) / tick, int(fields[12]) / tick)
                except (OSError, ValueError):
                    pass
        except OSError:
            pass
    time.sleep(0.02)
wall = time.time() - start
for (pid, tid), (name, user, system) in sorted(last.items(), key=lambda item: -(item[1][1] + item[1][2])):
    if user + system > 0:
        print(f'  pid {pid} tid {tid} {name}{" (main)" if pid == tid else ""} user {user:.2f} sys {system:.2f}')
print(f'wall {wall:.2f}s')
totals = collections.defaultdict(lambda: [0.0, 0.0, 0])
for (_, _), (name, user, system) in last.items():
    totals[name][0] += user
    totals[name][1] += system
    totals[name][2] += 1
for name, (user, system, threads) in totals.items():
    print(f'{name:20} user {user:6.2f} sys {system:6.2f} threads {threads}')

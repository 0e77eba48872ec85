#!/usr/bin/env python3
"""Runs a command with its stderr on a pseudo-terminal, for progress_test.sh.

usage: pty_run.py TTY_CAPTURE STDOUT_FILE [--slow-stdin FILE SECONDS] -- COMMAND...

Every byte the command writes to stderr (the terminal) goes to TTY_CAPTURE,
its stdout to STDOUT_FILE. With --slow-stdin, FILE is fed to the command's
stdin through a pipe in 64 even pieces spread over SECONDS (a slow producer,
as `ssh device iquery ... | netinspect` is); otherwise stdin is /dev/null.
Exits with the command's exit status (128+N for signal N).
Only the standard library: python3 is in scripts/debian-packages.txt.
"""
import os
import pty
import subprocess
import sys
import threading
import time


def feed(path, seconds, pipe_fd):
    with open(path, "rb") as source:
        data = source.read()
    pieces = 64
    step = max(1, -(-len(data) // pieces))
    try:
        for start in range(0, len(data), step):
            os.write(pipe_fd, data[start:start + step])
            time.sleep(seconds / pieces)
    except BrokenPipeError:
        pass
    finally:
        os.close(pipe_fd)


def main(argv):
    if "--" not in argv or len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    split = argv.index("--")
    options, command = argv[1:split], argv[split + 1:]
    capture_path, stdout_path = options[0], options[1]
    slow = None
    if len(options) == 5 and options[2] == "--slow-stdin":
        slow = (options[3], float(options[4]))
    elif len(options) != 2:
        print(__doc__, file=sys.stderr)
        return 2

    master, slave = pty.openpty()
    stdin_read = None
    feeder = None
    if slow:
        stdin_read, stdin_write = os.pipe()
        feeder = threading.Thread(target=feed, args=(slow[0], slow[1], stdin_write))
    with open(stdout_path, "wb") as stdout:
        child = subprocess.Popen(command, stdin=stdin_read if slow else subprocess.DEVNULL,
                                 stdout=stdout, stderr=slave, close_fds=True)
    os.close(slave)
    if stdin_read is not None:
        os.close(stdin_read)
        feeder.start()
    captured = bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: every writer of the terminal has closed it
            break
        if not chunk:
            break
        captured += chunk
    status = child.wait()
    if feeder:
        feeder.join()
    os.close(master)
    with open(capture_path, "wb") as capture:
        capture.write(captured)
    return status if status >= 0 else 128 - status


if __name__ == "__main__":
    sys.exit(main(sys.argv))

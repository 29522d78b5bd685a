#!/usr/bin/env python3
"""Builds the JVM plugin host's class-data-sharing archive (AppCDS), which sluice-plugin-host
hands to every host JVM (-XX:SharedArchiveFile, -Xshare:auto): the JDK's and the host jar's
classes that a host loads to reach its handshake, parsed and laid out once, at build time,
instead of at every connector start.

  cds-archive.py JAVA JAR ARCHIVE [HEAP]

1. A training run of the real host: `JAVA -XX:DumpLoadedClassList=<list> -cp JAR
   dev.sluice.jvm.Main --plugin-dir JAR` (the host jar itself stands for a plugin with no
   connectors), until its handshake line; then its stdin is closed and it exits.
2. `JAVA -Xshare:dump -XX:SharedClassListFile=<list> -XX:SharedArchiveFile=ARCHIVE -cp JAR`.

The archive holds JAR's path, size and time and the JVM's build: a host started with another
jar or JDK ignores it (-Xshare:auto). HEAP (-Xmx, default 256m: the hosts' default) keeps the
archived heap objects' layout that of a host's. The JVM's output is shown only on failure."""

import os
import shutil
import subprocess
import sys
import tempfile
import threading

HANDSHAKE_DEADLINE_S = 120


def fail(message, output=b""):
    sys.stderr.write(output.decode(errors="replace"))
    sys.exit(f"cds-archive.py: {message}")


def train(java, jar, heap, work):
    """Runs the host with -XX:DumpLoadedClassList until its handshake; returns the list's path."""
    class_list = os.path.join(work, "classes.list")
    host = subprocess.Popen(
        [java, f"-Xmx{heap}", "-XX:-UsePerfData", f"-XX:DumpLoadedClassList={class_list}",
         "-cp", jar, "dev.sluice.jvm.Main", "--plugin-dir", jar, "--socket-dir", work],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stderr = []
    drain = threading.Thread(target=lambda: stderr.append(host.stderr.read()), daemon=True)
    drain.start()
    # The handshake line, or EOF when the host dies; a host that hangs is killed at the deadline.
    timer = threading.Timer(HANDSHAKE_DEADLINE_S, host.kill)
    timer.start()
    try:
        line = host.stdout.readline()
    finally:
        timer.cancel()
    host.stdin.close()
    try:
        code = host.wait(timeout=HANDSHAKE_DEADLINE_S)
    except subprocess.TimeoutExpired:
        host.kill()
        code = host.wait()
    drain.join()
    output = stderr[0] if stderr else b""
    if not line.startswith(b"SLUICE-PLUGIN|"):
        fail(f"the training host printed no handshake line (exit {code}): {line!r}", output)
    if code != 0:
        fail(f"the training host exited with {code} after its handshake", output)
    if not os.path.getsize(class_list):
        fail("the training host listed no classes", output)
    return class_list


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit("usage: cds-archive.py JAVA JAR ARCHIVE [HEAP]")
    java, jar, archive = sys.argv[1:4]
    heap = sys.argv[4] if len(sys.argv) == 5 else "256m"
    jar = os.path.realpath(jar)  # the path a host's -cp names (next to sluice-plugin-host)
    # A short directory: the training host's socket path must fit in 107 bytes.
    with tempfile.TemporaryDirectory(prefix="sluice-cds-") as work:
        class_list = train(java, jar, heap, work)
        partial = os.path.join(work, "archive.jsa")
        dump = subprocess.run(
            [java, f"-Xmx{heap}", "-XX:-UsePerfData", "-Xshare:dump",
             f"-XX:SharedClassListFile={class_list}", f"-XX:SharedArchiveFile={partial}",
             "-cp", jar],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if dump.returncode != 0 or not os.path.exists(partial):
            fail(f"java -Xshare:dump failed (exit {dump.returncode})", dump.stdout)
        # Whole or not at all: a host never sees a half-written archive.
        tmp = archive + ".tmp"
        shutil.copyfile(partial, tmp)
        os.replace(tmp, archive)


if __name__ == "__main__":
    main()

"""What every Python suite (tests/integration, tests/clients, tests/differential) needs to start
processes on free ports and wait for them: no fixed sleeps, every wait has a deadline."""

import random
import socket
import time


def free_port():
    """A port that is free now, picked below the kernel's ephemeral range (ip_local_port_range
    starts at 32768): a port picked by binding port 0 comes from that range, where the embedded
    broker and every outgoing connection also take theirs, and one of them could take it before
    the process under test binds it."""
    for _ in range(1000):
        port = random.randrange(20000, 32000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free port in 20000-32000")


def wait_for(condition, timeout, message, interval=0.05):
    """Polls `condition` until it returns a truthy value; fails with `message` at the deadline."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message} (last: {last!r})")

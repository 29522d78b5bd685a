"""A throwaway PostgreSQL for pytest suites, around tools/postgres (see its docstring).

    with Postgres(tmp_path / "pg") as pg:
        pg.create_database("sink")
        pg.jdbc_url("sink")          # jdbc:postgresql://127.0.0.1:<port>/sink
        pg.psql("select 1", db="sink")   # [("1",)]

psql() runs the psql client (-At, fields and records separated by control characters so that
text with newlines or '|' survives) as the superuser sluice/sluice over TCP; values come back as
strings, NULL as None. A failing statement raises PsqlError with psql's message."""

import json
import os
import pathlib
import shutil
import subprocess

REPO = pathlib.Path(__file__).resolve().parents[2]
TOOL = REPO / "tools" / "postgres"
USER = "sluice"
PASSWORD = "sluice"
_FS = "\x1f"
_RS = "\x1e"
_NULL = "\x1d"


class PsqlError(AssertionError):
    pass


class Postgres:
    def __init__(self, directory, port=None, timeout=60):
        self.dir = pathlib.Path(directory)
        self.port = port
        self.timeout = timeout
        self.url = None
        self._psql = None

    def start(self):
        cmd = [str(TOOL), "start", str(self.dir), "--timeout", str(self.timeout)]
        if self.port:
            cmd += ["--port", str(self.port)]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=self.timeout + 60)
        if r.returncode != 0:
            raise AssertionError(f"tools/postgres start failed (exit {r.returncode}):\n{r.stderr}")
        self.url = r.stdout.strip().splitlines()[-1]
        self.port = int(self.url.rsplit(":", 1)[1].split("/")[0])
        with open(self.dir / "state.json") as f:
            bindir = json.load(f)["bindir"]
        p = os.path.join(bindir, "psql")
        self._psql = p if os.access(p, os.X_OK) else shutil.which("psql")
        return self

    def stop(self):
        if self.url is None:
            return
        subprocess.run([str(TOOL), "stop", str(self.dir)], capture_output=True, text=True,
                       timeout=90)
        self.url = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def log(self):
        try:
            return (self.dir / "postgres.log").read_text(errors="replace")
        except OSError:
            return ""

    def db_url(self, db="postgres"):
        return f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{self.port}/{db}"

    def jdbc_url(self, db="postgres"):
        return f"jdbc:postgresql://127.0.0.1:{self.port}/{db}"

    def psql(self, sql, db="postgres"):
        """Runs sql (one or more statements, stopping at the first error); returns the rows of
        the last result as tuples of strings (None for NULL)."""
        env = dict(os.environ, PGPASSWORD=PASSWORD, PGCONNECT_TIMEOUT="10")
        r = subprocess.run([self._psql, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                            "-F", _FS, "-R", _RS, "-P", f"null={_NULL}",
                            "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, "-d", db,
                            "-c", sql],
                           env=env, capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise PsqlError(f"psql failed on {sql!r}: {r.stderr.strip()}")
        out = r.stdout
        if out.endswith("\n"):
            out = out[:-1]
        if not out:
            return []
        return [tuple(None if v == _NULL else v for v in rec.split(_FS)) for rec in out.split(_RS)]

    def create_database(self, name):
        self.psql(f'CREATE DATABASE "{name}"')
        return self.jdbc_url(name)

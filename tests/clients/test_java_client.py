"""org.sourcelab's kafka-connect-client (Maven Central, a Java client written against Apache
Kafka Connect's REST API) driving a FileStreamSource -> FileStreamSink pipeline through its whole
lifecycle against a real sluiced: tests/clients/java, fetched and compiled by tools/clients."""

import shutil
import subprocess

import pytest

from conftest import REPO

TOOL = REPO / "tools" / "clients"


@pytest.fixture(scope="module")
def java_check():
    """Fetches the client's jars (once; offline afterwards) and compiles the check."""
    missing = [t for t in ("java", "javac", "mvn") if shutil.which(t) is None]
    assert not missing, f"{missing} not on PATH: run tools/setup"
    r = subprocess.run([str(TOOL), "java-build"], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr


def test_java_client_lifecycle(java_check, sluiced, workdir):
    r = subprocess.run([str(TOOL), "java-run", sluiced.rest, str(workdir)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0 and "JavaClientLifecycle: all steps passed" in r.stdout, (
        f"exit {r.returncode}\n{r.stdout}\n{r.stderr}\n--- sluiced log (tail) ---\n"
        + "\n".join(sluiced.log().splitlines()[-40:]))

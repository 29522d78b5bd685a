"""Java plugins: sluice-plugin-host's jvm runtime (docs/plugins.md) runs a JVM in the full sandbox
with a policy fit for it (docs/security.md): the memory cgroup's limit follows the heap, the JVM
reads its JDK, its jar and its plugin's folder and nothing of other plugins' or the worker's, and
a JVM that runs out of heap ends its own host (-XX:+ExitOnOutOfMemoryError), failing its
connector while the worker carries on.

Most tests run a stand-in in the JVM (jvm/Main.java: a minimal protocol server on grpc-java
whose task reports what its JVM sees, or exhausts its heap on demand), put into a copy of
build/bin/sluice-jvm-host.jar and chosen with SLUICE_JVM_HOST_JAR; the last runs Kafka's own
FileStream connectors on the real jar. Tests of more real connectors build their plugin folders
with `plugin_folder(root, name, jars)` (Kafka Connect's layout, or a sluice-plugin.json with
`manifest=`) or start a worker on them with the `jvm_worker` fixture, on the real jar (leave
SLUICE_JVM_HOST_JAR unset)."""

import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import zipfile

import pytest

from conftest import BUILD, REPO, Sluiced, failed_task_trace, sandbox_has, wait_for, worker_props

JAVA = shutil.which("java")
JAR_TOOL = shutil.which("jar")
JAVAC = shutil.which("javac")
HOST = BUILD / "bin" / "sluice-plugin-host"
REAL_JAR = BUILD / "bin" / "sluice-jvm-host.jar"
PROBE = "dev.sluice.test.JvmProbeSource"
MIB = 1 << 20

pytestmark = pytest.mark.skipif(
    not (JAVA and JAVAC and JAR_TOOL and REAL_JAR.exists()),
    reason="needs a JDK (java, javac, jar) and build/bin/sluice-jvm-host.jar "
           "(tools/build sluice_jvm_host)")


def plugin_folder(root, name, jars, manifest=None, lib=False):
    """A plugin folder `root/name` holding copies of `jars`: Kafka Connect's layout (the jars,
    in lib/ when `lib`, as confluent-hub lays them out), or with a sluice-plugin.json made of
    `manifest` (a dict; "runtime": "jvm" is filled in)."""
    folder = pathlib.Path(root) / name
    target = folder / "lib" if lib else folder
    target.mkdir(parents=True, exist_ok=True)
    for jar in jars:
        shutil.copy(jar, target / pathlib.Path(jar).name)
    if manifest is not None:
        (folder / "sluice-plugin.json").write_text(json.dumps(
            {"name": name, "version": "1.0", "runtime": "jvm", **manifest}))
    return folder


def tiny_jar(path, text="a connector's jar"):
    """A valid jar with one resource, to stand for a connector's jars."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
        z.writestr("README.txt", text)
    return path


@pytest.fixture(scope="module")
def probe_jar(tmp_path_factory):
    """build/bin/sluice-jvm-host.jar with the stand-in jvm/Main.java as its dev.sluice.jvm.Main."""
    d = tmp_path_factory.mktemp("probe")
    classes = d / "classes"
    classes.mkdir()
    subprocess.run([JAVAC, "-nowarn", "-cp", str(REAL_JAR), "-d", str(classes),
                    str(REPO / "tests" / "integration" / "jvm" / "Main.java")], check=True)
    jar = d / "sluice-jvm-host.jar"
    shutil.copy(REAL_JAR, jar)
    subprocess.run([JAR_TOOL, "uf", str(jar), "-C", str(classes), "."], check=True)
    return jar


@pytest.fixture(scope="module")
def env(tmp_path_factory, probe_jar):
    """A worker whose plugin.path holds the probe as Kafka Connect lays a plugin out (a folder of
    jars, no sluice-plugin.json), a second folder with a manifest, another plugin's that the
    probe must not read, and an uber jar."""
    workdir = tmp_path_factory.mktemp("jvm")
    plugins = workdir / "plugins"
    probe = plugin_folder(plugins, "jvm-probe", [tiny_jar(workdir / "probe-connector.jar")],
                          lib=True)
    other = plugin_folder(plugins, "other-plugin", [tiny_jar(workdir / "other.jar", "secret")],
                          manifest={"jvm": {"heap": "64m"}})
    tiny_jar(plugins / "connector-all.jar")  # an uber jar: a plugin of its own
    props = worker_props(workdir, **{"plugin.path": str(plugins),
                                     "offset.flush.interval.ms": "200"})
    os.environ["SLUICE_JVM_HOST_JAR"] = str(probe_jar)
    try:
        worker = Sluiced(workdir, props).start(timeout=120)
    finally:
        del os.environ["SLUICE_JVM_HOST_JAR"]
    probe_support = worker.get("/sluice/sandbox")
    support = probe_support.json() if probe_support.status_code == 200 else {}
    yield {"worker": worker, "workdir": workdir, "probe": probe, "other": other,
           "support": support}
    worker.kill()


def has(env, what):
    return sandbox_has(env["support"], what)


def create(env, name, **config):
    body = {"connector.class": PROBE, "tasks.max": "1"}
    body.update({k.replace("_", "."): str(v) for k, v in config.items()})
    r = env["worker"].post("/connectors", json={"name": name, "config": body})
    assert r.status_code == 201, r.text


def failed_trace(env, name, timeout=90):
    return failed_task_trace(env["worker"], name, timeout)


def report(trace):
    """The probe's report: key=value lines and "read <path>: ..." lines."""
    values, reads = {}, {}
    for line in trace.splitlines():
        if line.startswith("read "):
            path, _, outcome = line[len("read "):].partition(": ")
            reads[path] = outcome
        elif "=" in line:
            key, _, value = line.partition("=")
            values[key] = value
    return values, reads


def test_a_folder_of_jars_is_a_java_plugin(env):
    r = env["worker"].get("/connector-plugins")
    assert r.status_code == 200, r.text
    plugins = r.json()
    # One folder found by its jars (Kafka Connect's layout), one by its sluice-plugin.json, and
    # the uber jar.
    for name in (PROBE, "dev.sluice.test.Probe_other_plugin",
                 "dev.sluice.test.Probe_connector_all_jar"):
        assert {"class": name, "type": "source", "version": "1.0"} in plugins, plugins
    assert "Found 3 connector classes in 3 plugins" in env["worker"].log()


def test_the_jvm_runs_in_the_full_sandbox_with_a_memory_limit_from_its_heap(env):
    jdk = pathlib.Path(os.path.realpath(JAVA)).parent.parent
    cacerts = os.path.realpath(jdk / "lib" / "security" / "cacerts")
    own_jar = env["probe"] / "lib" / "probe-connector.jar"
    other_jar = env["other"] / "other.jar"
    worker_file = env["workdir"] / "worker.properties"
    reads = [cacerts, own_jar, other_jar, worker_file, "/proc/self/status"]
    create(env, "jvm-report", probe="report", read=",".join(map(str, reads)),
           sluice_jvm_heap="128m")
    values, outcome = report(failed_trace(env, "jvm-report"))

    # Its heap is the connector's sluice.jvm.heap; the JVM started with the host's options.
    assert int(values["max_heap"]) <= 128 * MIB, values
    assert int(values["max_heap"]) > 100 * MIB, values
    args = values["input_arguments"]
    for option in ("-Xmx128m", "-XX:MaxDirectMemorySize=64m", "-XX:+ExitOnOutOfMemoryError",
                   "-XX:-UsePerfData"):
        assert option in args, args
    assert values["tmpdir"] != "/tmp" and values["tmpdir"].endswith("/tmp"), values
    assert int(values["threads"]) > 5  # grpc's and the JVM's own threads started

    # It reads its JDK (the cacerts behind the JDK's symlink), its jars and /proc/self.
    assert outcome[cacerts].startswith("ok"), outcome
    assert outcome[str(own_jar)].startswith("ok"), outcome
    assert outcome["/proc/self/status"].startswith("ok"), outcome
    if has(env, "landlock"):
        # Not another plugin's folder, not the worker's files.
        for path in (other_jar, worker_file):
            assert outcome[str(path)].startswith("denied (java.nio.file.AccessDeniedException"), \
                outcome

    if has(env, "memory"):
        # The memory cgroup's limit: the heap, its direct memory (64m) and 256m besides.
        expected = (128 + 64 + 256) * MIB
        r = env["worker"].get("/sluice/connectors/jvm-report/resources")
        assert r.status_code == 200, r.text
        assert r.json()["limits"]["memory_bytes"] == str(expected), r.text
        assert r.json()["limits"]["sandboxed"] is True, r.text
        # and the JVM's container support sees it (its total memory is the cgroup's limit).
        assert int(values["total_memory"]) == expected, values


def test_a_jvm_out_of_heap_dies_alone(env):
    worker = env["worker"]
    create(env, "jvm-oom", probe="oom", sluice_jvm_heap="32m")

    def connector_failed():
        r = worker.get("/connectors/jvm-oom/status")
        status = r.json() if r.status_code == 200 else {}
        connector = status.get("connector", {})
        return status if connector.get("state") == "FAILED" else None
    status = wait_for(connector_failed, 90, "jvm-oom's connector to fail")
    trace = status["connector"]["trace"]
    assert "java.lang.OutOfMemoryError: Java heap space" in trace, trace
    assert "exited with code 3" in trace, trace
    # The worker and the other Java connector carry on.
    assert worker.alive()
    assert worker.get("/").status_code == 200
    create(env, "jvm-after", probe="report", read="/proc/self/status")
    values, _ = report(failed_trace(env, "jvm-after"))
    assert "max_heap" in values


def test_a_ceiling_below_the_heap_is_refused_naming_both(env):
    worker = env["worker"]
    config = {"connector.class": PROBE, "sluice.jvm.heap": "512m",
              "sluice.sandbox.memory.bytes": str(256 * MIB)}
    r = worker.put(f"/connector-plugins/{PROBE}/config/validate", json=config)
    assert r.status_code == 200, r.text
    errors = {c["value"]["name"]: c["value"]["errors"] for c in r.json()["configs"]}
    assert errors["sluice.sandbox.memory.bytes"] == [
        f"Invalid value {256 * MIB} for configuration sluice.sandbox.memory.bytes: less than the "
        f"JVM's heap of {512 * MIB} bytes (sluice.jvm.heap=512m); the JVM needs about "
        f"{(128 + 256) * MIB} bytes besides its heap"]
    config = {"connector.class": PROBE, "sluice.jvm.heap": "lots"}
    r = worker.put(f"/connector-plugins/{PROBE}/config/validate", json=config)
    errors = {c["value"]["name"]: c["value"]["errors"] for c in r.json()["configs"]}
    assert errors["sluice.jvm.heap"] == [
        "Invalid value lots for configuration sluice.jvm.heap: the JVM heap \"lots\" is not a "
        "JVM memory size (e.g. 512m, 2g)"]


@pytest.fixture
def sockets():
    """A private socket folder for a host started directly, under /tmp: a unix socket's path is
    at most 107 bytes, and pytest's folders under a checkout can be longer than that."""
    path = pathlib.Path(tempfile.mkdtemp(prefix="sluice-jvm-", dir="/tmp"))
    path.chmod(0o700)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def run_host(plugin_dir, socket_dir, env_extra, *args):
    """sluice-plugin-host started directly, its stdin closed at once."""
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env_extra}
    return subprocess.run([str(HOST), "--plugin-dir", str(plugin_dir), "--socket-dir",
                           str(socket_dir), *args], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, env=environment, timeout=60)


def test_a_missing_jvm_host_jar_is_a_clear_setup_error(tmp_path, sockets):
    plugin = plugin_folder(tmp_path, "connector", [tiny_jar(tmp_path / "c.jar")])
    missing = tmp_path / "nowhere" / "sluice-jvm-host.jar"
    done = run_host(plugin, sockets, {"SLUICE_JVM_HOST_JAR": str(missing)})
    assert done.returncode == 1, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert f"the JVM plugin host {missing} is missing" in last, last
    assert "tools/build sluice_jvm_host" in last and "SLUICE_JVM_HOST_JAR" in last, last


def test_the_minimal_sandbox_sets_no_address_space_limit_on_a_jvm(tmp_path, probe_jar, sockets):
    """A 256 MiB RLIMIT_AS (what a tenant's ceiling becomes with sluice.sandbox.enabled=false)
    would stop a JVM starting: the host leaves it off and caps the heap instead. The plugin here
    is an uber jar, given as --plugin-dir."""
    entry = tmp_path / "plugins"
    entry.mkdir()
    uber = tiny_jar(entry / "connector-all.jar")
    done = run_host(uber, sockets, {"SLUICE_JVM_HOST_JAR": str(probe_jar)},
                    "--limit-memory-bytes", str(256 * MIB), "--jvm-heap", "64m")
    # The stand-in serves, prints its handshake line, sees stdin closed and exits.
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("SLUICE-PLUGIN|1|unix|"), done.stdout
    assert f"no address-space limit ({256 * MIB} bytes asked) for a JVM: its heap is capped at " \
           "64m" in done.stderr, done.stderr
    assert f"-Xmx64m" in done.stderr and f"--plugin-dir {uber}" in done.stderr, done.stderr


def run_sandboxed_host(plugin_dir, sockets, env_extra):
    """sluice-plugin-host in the full sandbox as the worker starts it (its TMPDIR the one folder
    it writes), its stdin closed at once."""
    (sockets / "tmp").mkdir()
    return run_host(plugin_dir, sockets, {"TMPDIR": str(sockets / "tmp"), **env_extra},
                    "--sandbox", "--hide", str(sockets), "--write-dir", str(sockets / "tmp"))


def assert_quiet_start(done, archive):
    """The host was given `archive`, served, and neither it nor its JVM said a word of CDS."""
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("SLUICE-PLUGIN|1|unix|"), done.stdout
    assert done.stdout.count("\n") == 1, done.stdout
    assert f"-XX:SharedArchiveFile={archive} -Xshare:auto" in done.stderr, done.stderr
    for alarm in ("shared archive", "[cds", "[warning]", "[error]", "class paths mismatch"):
        assert alarm not in done.stderr.lower(), done.stderr


def test_a_corrupt_class_data_sharing_archive_never_stops_a_jvm_host(tmp_path, sockets):
    """sluice-plugin-host passes the archive next to the host jar (-Xshare:auto): garbage there
    (a half-written or damaged file) is ignored and the host starts as without one."""
    jar = tmp_path / "host" / "sluice-jvm-host.jar"
    jar.parent.mkdir()
    shutil.copy(REAL_JAR, jar)
    archive = jar.with_suffix(".jsa")
    archive.write_bytes(os.urandom(64 * 1024))
    uber = tiny_jar(tmp_path / "connector-all.jar")
    done = run_sandboxed_host(uber, sockets, {"SLUICE_JVM_HOST_JAR": str(jar)})
    assert_quiet_start(done, archive)


def test_a_class_data_sharing_archive_of_another_jar_is_ignored(tmp_path, probe_jar, sockets):
    """The real jar's archive next to another jar (the stand-in: after a rebuild of the jar, or
    an archive copied along) does not match its class path: ignored, quietly."""
    real_archive = REAL_JAR.with_suffix(".jsa")
    assert real_archive.exists(), "tools/build sluice_jvm_host makes sluice-jvm-host.jsa"
    jar = tmp_path / "host" / "sluice-jvm-host.jar"
    jar.parent.mkdir()
    shutil.copy(probe_jar, jar)
    archive = jar.with_suffix(".jsa")
    shutil.copy(real_archive, archive)
    uber = tiny_jar(tmp_path / "connector-all.jar")
    done = run_sandboxed_host(uber, sockets, {"SLUICE_JVM_HOST_JAR": str(jar)})
    assert_quiet_start(done, archive)


def test_the_host_jars_archive_is_mapped_in_the_full_sandbox(tmp_path, sockets):
    """build/bin/sluice-jvm-host.jsa matches the jar and the sandbox lets the JVM read it: with
    -Xshare:on (the manifest's, after the host's -Xshare:auto) a JVM that cannot map its archive
    refuses to start."""
    real_archive = REAL_JAR.with_suffix(".jsa")
    assert real_archive.exists(), "tools/build sluice_jvm_host makes sluice-jvm-host.jsa"
    folder = plugin_folder(tmp_path / "plugins", "connector", [tiny_jar(tmp_path / "c.jar")],
                           manifest={"jvm": {"options": ["-Xshare:on"]}})
    done = run_sandboxed_host(folder, sockets, {})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("SLUICE-PLUGIN|1|unix|"), done.stdout
    assert f"-XX:SharedArchiveFile={real_archive} -Xshare:auto" in done.stderr, done.stderr


@pytest.fixture
def jvm_worker(tmp_path):
    """Starts a worker on a plugin.path of Java plugin folders built from lists of jars:
    jvm_worker({"debezium-connector-postgres": [jar, ...]}, env={...}, **worker_props).
    Without SLUICE_JVM_HOST_JAR in `env`, the hosts run build/bin/sluice-jvm-host.jar."""
    started = []

    def make(folders, env=None, **props):
        plugins = tmp_path / "plugins"
        for name, jars in folders.items():
            plugin_folder(plugins, name, jars)
        saved = {k: os.environ.get(k) for k in (env or {})}
        os.environ.update(env or {})
        try:
            worker = Sluiced(tmp_path, worker_props(tmp_path, **{"plugin.path": str(plugins),
                                                                  **props}))
            started.append(worker)
            return worker.start(timeout=120)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    yield make
    for worker in started:
        worker.kill()


def test_a_plugin_whose_jvm_host_is_missing_is_skipped_saying_why(jvm_worker, tmp_path):
    missing = tmp_path / "nowhere" / "sluice-jvm-host.jar"
    worker = jvm_worker({"some-connector": [tiny_jar(tmp_path / "some.jar")]},
                        env={"SLUICE_JVM_HOST_JAR": str(missing)})
    assert worker.get("/connector-plugins").json() == []
    log = worker.log()
    assert f"Skipping plugin {tmp_path / 'plugins' / 'some-connector'}" in log, log
    assert f"the JVM plugin host {missing} is missing" in log, log


def test_sluice_plugin_check_runs_a_java_plugin_folder(tmp_path, probe_jar):
    """The checker starts the real host on a Java folder, in the sandbox, like any plugin. (The
    stand-in does not refuse unknown protocol versions or classes: those two checks fail until
    sdk/java's host serves.)"""
    folder = plugin_folder(tmp_path, "java-connector", [tiny_jar(tmp_path / "c.jar")], lib=True)
    done = subprocess.run([str(BUILD / "bin" / "sluice-plugin-check"), str(folder), "--json"],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "SLUICE_JVM_HOST_JAR": str(probe_jar)})
    checks = {c["check"]: c for c in json.loads(done.stdout)["checks"]}
    for name in ("host.start", "handshake", "describe", "describe.class", "describe.config",
                 "validate.empty", "shutdown"):
        assert checks[name]["outcome"] == "pass", checks[name]
    assert "dev.sluice.test.Probe_java_connector" in checks["describe"]["got"], checks["describe"]


def connect_file_jar():
    """Kafka's FileStream connectors' jar: tools/kafka's download, else Maven's local cache."""
    for pattern in ("kafka/*/libs/connect-file-*.jar",):
        found = sorted(BUILD.glob(pattern))
        if found:
            return found[-1]
    found = sorted(pathlib.Path.home().glob(
        ".m2/repository/org/apache/kafka/connect-file/*/connect-file-*.jar"))
    return found[-1] if found else None


def test_kafkas_file_connectors_pass_the_checker_in_the_real_jvm_host(tmp_path):
    """A real, unmodified Kafka Connect plugin (connect-file's jar in Kafka Connect's layout) on
    the real sluice-jvm-host.jar, in the full sandbox: every protocol check passes, its source
    reading and its sink writing only the files their configs grant."""
    jar = connect_file_jar()
    if jar is None:
        pytest.skip("no connect-file jar (tools/kafka fetches Kafka's; or Maven's cache)")
    folder = plugin_folder(tmp_path, "connect-file", [jar])
    config = tmp_path / "check.json"
    config.write_text(json.dumps({
        "$files": {"input.txt": "first line\nsecond line\n"},
        "org.apache.kafka.connect.file.FileStreamSourceConnector": {
            "file": "${tmpdir}/input.txt", "topic": "plugin-check", "batch.size": "2",
            "sluice.sandbox.paths.read": "${tmpdir}/input.txt"},
        "FileStreamSink": {
            "file": "${tmpdir}/output.txt", "topics": "plugin-check",
            "sluice.sandbox.paths.write": "${tmpdir}/output.txt"}}))
    environment = {k: v for k, v in os.environ.items() if k != "SLUICE_JVM_HOST_JAR"}
    done = subprocess.run([str(BUILD / "bin" / "sluice-plugin-check"), str(folder), "--config",
                           str(config), "--json"], capture_output=True, text=True, timeout=300,
                          env=environment)
    result = json.loads(done.stdout)
    failed = [c for c in result["checks"] if c["outcome"] == "fail"]
    assert result["ok"] and not failed, failed
    outcomes = {(c["check"], c["connector"]): c["outcome"] for c in result["checks"]}
    source = "org.apache.kafka.connect.file.FileStreamSourceConnector"
    sink = "org.apache.kafka.connect.file.FileStreamSinkConnector"
    for check in ("source.start", "source.records", "source.stop"):
        assert outcomes[(check, source)] == "pass", (check, outcomes)
    for check in ("sink.start", "sink.put", "sink.stop"):
        assert outcomes[(check, sink)] == "pass", (check, outcomes)

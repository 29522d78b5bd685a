"""Config providers (KIP-297, KIP-421) end to end: a worker with Kafka's FileConfigProvider and
EnvVarConfigProvider, connectors whose configs hold ${file:...} and ${env:...} variables. The
secrets reach the plugin's tasks (the multitask test plugin writes down the task.key it was
started with), and appear in no API answer (config, tasks, info, status, validate), in no stored
file, and in no line of the worker's log, which holds its plugin hosts' logs too."""

import pytest

from conftest import BUILD, read_lines, wait_for, worker_props

STRING = "org.apache.kafka.connect.storage.StringConverter"
FILE_PROVIDER = "org.apache.kafka.common.config.provider.FileConfigProvider"
ENV_PROVIDER = "org.apache.kafka.common.config.provider.EnvVarConfigProvider"
ENV_SECRET = "env-secret-7c1f9e"
FILE_SECRET = "file-secret-b04a2d"


@pytest.fixture
def s(sluiced_factory, workdir, monkeypatch):
    # sluiced inherits this process's environment.
    monkeypatch.setenv("SLUICE_TEST_TOKEN", ENV_SECRET)
    monkeypatch.setenv("SLUICE_NOT_ALLOWED", "never-resolved")
    secrets = workdir / "secrets"
    secrets.mkdir()
    (secrets / "db.properties").write_text(f"password={FILE_SECRET}\n")
    props = worker_props(workdir, **{
        "plugin.path": f"{BUILD / 'plugins'},{BUILD / 'test-plugins'}",
        "config.providers": "file,env",
        "config.providers.file.class": FILE_PROVIDER,
        "config.providers.file.param.allowed.paths": str(secrets),
        "config.providers.env.class": ENV_PROVIDER,
        "config.providers.env.param.allowlist.pattern": "SLUICE_TEST_.*",
    })
    return sluiced_factory(props=props).start()


def connector(kind, out, secret_ref, **extra):
    config = {"connector.class": kind, "output.dir": str(out), "tasks.max": "1",
              "key.converter": STRING, "value.converter": STRING, "task.key": secret_ref}
    config.update(extra)
    return config


def task_starts(out):
    return [line for line in read_lines(out / "task-0.events") if line.startswith("start ")]


def test_secrets_reach_the_tasks_and_nothing_shows_them(s, workdir):
    db = workdir / "secrets" / "db.properties"
    env_ref = "${env:SLUICE_TEST_TOKEN}"
    file_ref = f"${{file:{db}:password}}"
    src_out, sink_out = workdir / "src", workdir / "sink"
    src = connector("MultiTaskSource", src_out, env_ref, topic="providers",
                    **{"records.per.task": "5"})
    sink = connector("MultiTaskSink", sink_out, file_ref, topics="providers",
                     **{"not.allowed": "${env:SLUICE_NOT_ALLOWED}"})
    for name, config in (("src", src), ("sink", sink)):
        r = s.post("/connectors", json={"name": name, "config": config})
        assert r.status_code == 201, r.text
        assert r.json()["config"] == dict(config, name=name)

    # The tasks were started with the resolved values.
    wait_for(lambda: task_starts(src_out), 30, "the source task to start")
    wait_for(lambda: task_starts(sink_out), 30, "the sink task to start")
    assert task_starts(src_out)[0].startswith(f"start key={ENV_SECRET} "), task_starts(src_out)
    assert task_starts(sink_out)[0].startswith(f"start key={FILE_SECRET} "), task_starts(sink_out)
    wait_for(lambda: len(read_lines(sink_out / "task-0.records")) == 5, 30,
             "the sink to get the source's records")

    # A restarted task resolves them again.
    r = s.post("/connectors/src/restart?includeTasks=true")
    assert r.status_code == 202, r.text
    wait_for(lambda: len(task_starts(src_out)) == 2, 30, "the source task to start again")
    assert task_starts(src_out)[1].startswith(f"start key={ENV_SECRET} ")

    # Every answer shows the variables, never what they resolve to.
    answers = []
    for path in ("/connectors/src/config", "/connectors/src/tasks", "/connectors/src",
                 "/connectors/src/status", "/connectors/sink/config", "/connectors/sink/tasks",
                 "/connectors?expand=info&expand=status", "/connectors/src/offsets"):
        r = s.get(path)
        assert r.status_code == 200, (path, r.text)
        answers.append(r.text)
    tasks = s.get("/connectors/src/tasks").json()
    assert tasks[0]["config"]["task.key"] == env_ref
    assert s.get("/connectors/sink/tasks").json()[0]["config"]["task.key"] == file_ref
    # A variable the allowlist refuses stays as written (and so does its value everywhere).
    assert s.get("/connectors/sink/config").json()["not.allowed"] == "${env:SLUICE_NOT_ALLOWED}"
    r = s.put("/connector-plugins/MultiTaskSink/config/validate",
              json=dict(sink, name="sink", **{"tasks.max": "not-a-number"}))
    assert r.status_code == 200, r.text
    values = {c["value"]["name"]: c["value"]["value"] for c in r.json()["configs"]}
    assert values["task.key"] == file_ref
    answers.append(r.text)

    stored = "".join(p.read_text(errors="replace") for p in workdir.iterdir()
                     if p.is_file() and p.suffix in (".json", ".offsets", ".properties"))
    log = s.log()
    for secret in (ENV_SECRET, FILE_SECRET, "never-resolved"):
        for text in answers:
            assert secret not in text, text
        assert secret not in stored
        assert secret not in log, [line for line in log.splitlines() if secret in line]


def test_an_unknown_provider_class_stops_the_worker_with_kafkas_message(sluiced_factory, workdir):
    props = worker_props(workdir, **{"config.providers": "vault",
                                     "config.providers.vault.class": "com.example.VaultProvider"})
    w = sluiced_factory(props=props)
    with pytest.raises(AssertionError):
        w.start(timeout=30)
    assert ("Invalid value com.example.VaultProvider for configuration "
            "config.providers.vault.class: Could not load config provider class or one of its "
            "dependencies") in w.log()


def test_the_worker_config_itself_resolves_variables(sluiced_factory, workdir, monkeypatch):
    monkeypatch.setenv("SLUICE_TEST_OFFSETS", str(workdir / "from-env.offsets"))
    props = worker_props(workdir, **{
        "plugin.path": f"{BUILD / 'plugins'},{BUILD / 'test-plugins'}",
        "config.providers": "env",
        "config.providers.env.class": ENV_PROVIDER,
        "offset.storage.file.filename": "${env:SLUICE_TEST_OFFSETS}",
    })
    w = sluiced_factory(props=props).start()
    out = workdir / "out"
    r = w.post("/connectors", json={"name": "src", "config": connector(
        "MultiTaskSource", out, "k", topic="offsets-from-env", **{"records.per.task": "3"})})
    assert r.status_code == 201, r.text
    wait_for(lambda: (workdir / "from-env.offsets").exists() and
             (workdir / "from-env.offsets").stat().st_size > 0, 30,
             "source offsets in the file the environment named")
    assert w.get("/connectors/src/offsets").json()["offsets"], "no offsets read back"


def test_hidden_passwords_show_only_variables(sluiced_factory, workdir):
    """sluice.config.hide.passwords=true: PASSWORD-typed values written literally in a connector
    config (here Java client overrides of that type) read back as [hidden]; a ${...} reference
    and every other value read back as written."""
    props = worker_props(workdir, **{"sluice.config.hide.passwords": "true",
                                     "config.providers": "env",
                                     "config.providers.env.class": ENV_PROVIDER})
    w = sluiced_factory(props=props).start()
    config = {"connector.class": "FileStreamSource", "file": str(workdir / "in.txt"),
              "topic": "hidden",
              "producer.override.ssl.key.password": "literal-key-password",
              "producer.override.sasl.jaas.config": "${env:SLUICE_TEST_JAAS}",
              "producer.override.linger.ms": "5"}
    r = w.post("/connectors", json={"name": "src", "config": config})
    assert r.status_code == 201, r.text
    expected = dict(config, name="src", **{"producer.override.ssl.key.password": "[hidden]"})
    assert w.get("/connectors/src/config").json() == expected
    assert w.get("/connectors/src").json()["config"] == expected
    expanded = w.get("/connectors?expand=info").json()
    assert expanded["src"]["info"]["config"] == expected
    assert "literal-key-password" not in w.log()

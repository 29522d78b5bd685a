// Drives a FileStreamSource -> FileStreamSink pipeline through its whole lifecycle with
// org.sourcelab's KafkaConnectClient (a Java client written against Apache Kafka Connect's REST
// API), the way its README shows, against a running Sluice worker.
//
//   java -cp CLASSES:LIB/* dev.sluice.clients.JavaClientLifecycle http://127.0.0.1:8083 WORKDIR
//
// The files of the pipeline live in WORKDIR. Every step prints one "ok:" line; the first step
// whose answer differs from what the client expects prints "MISMATCH: <step>: <detail>" and the
// program exits 1 (2 on bad arguments). Waits poll a condition with a deadline; nothing sleeps to
// synchronise.
package dev.sluice.clients;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.sourcelab.kafka.connect.apiclient.Configuration;
import org.sourcelab.kafka.connect.apiclient.KafkaConnectClient;
import org.sourcelab.kafka.connect.apiclient.request.dto.ConnectServerVersion;
import org.sourcelab.kafka.connect.apiclient.request.dto.ConnectorDefinition;
import org.sourcelab.kafka.connect.apiclient.request.dto.ConnectorPlugin;
import org.sourcelab.kafka.connect.apiclient.request.dto.ConnectorPluginConfigDefinition;
import org.sourcelab.kafka.connect.apiclient.request.dto.ConnectorPluginConfigValidationResults;
import org.sourcelab.kafka.connect.apiclient.request.dto.ConnectorStatus;
import org.sourcelab.kafka.connect.apiclient.request.dto.ConnectorTopics;
import org.sourcelab.kafka.connect.apiclient.request.dto.ConnectorsWithExpandedInfo;
import org.sourcelab.kafka.connect.apiclient.request.dto.ConnectorsWithExpandedMetadata;
import org.sourcelab.kafka.connect.apiclient.request.dto.ConnectorsWithExpandedStatus;
import org.sourcelab.kafka.connect.apiclient.request.dto.NewConnectorDefinition;
import org.sourcelab.kafka.connect.apiclient.request.dto.Task;
import org.sourcelab.kafka.connect.apiclient.request.dto.TaskStatus;
import org.sourcelab.kafka.connect.apiclient.request.post.PostConnectorRestart;
import org.sourcelab.kafka.connect.apiclient.rest.exceptions.ConcurrentConfigModificationException;
import org.sourcelab.kafka.connect.apiclient.rest.exceptions.InvalidRequestException;
import org.sourcelab.kafka.connect.apiclient.rest.exceptions.ResourceNotFoundException;

public final class JavaClientLifecycle {
  private static final Duration STATE_DEADLINE = Duration.ofSeconds(60);
  private static final String SOURCE = "java-src";
  private static final String SINK = "java-sink";
  private static final String TOPIC = "java-lines";
  private static final String SOURCE_CLASS = "org.apache.kafka.connect.file.FileStreamSourceConnector";
  private static final String SINK_CLASS = "org.apache.kafka.connect.file.FileStreamSinkConnector";

  /** The first difference between what the client expects and what the worker answered. */
  static final class Mismatch extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Mismatch(String message) {
      super(message);
    }
  }

  private final KafkaConnectClient client;
  private final Path workdir;
  private String step = "start";
  private Instant stepStart = Instant.now();

  private JavaClientLifecycle(String url, Path workdir) {
    this.client = new KafkaConnectClient(new Configuration(url).useRequestTimeoutInSeconds(60));
    this.workdir = workdir;
  }

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: JavaClientLifecycle REST_URL WORKDIR");
      System.exit(2);
    }
    JavaClientLifecycle run = new JavaClientLifecycle(args[0], Paths.get(args[1]));
    try {
      run.run();
    } catch (Mismatch m) {
      System.out.println("MISMATCH: " + run.step + ": " + m.getMessage());
      System.exit(1);
    } catch (RuntimeException | IOException e) {
      // The client throws when it cannot parse an answer or gets an unexpected error status.
      System.out.println("MISMATCH: " + run.step + ": " + e.getClass().getName() + ": " + e.getMessage());
      e.printStackTrace(System.out);
      System.exit(1);
    }
    System.out.println("JavaClientLifecycle: all steps passed");
  }

  private void run() throws IOException {
    Path sourceFile = workdir.resolve("java-in.txt");
    Path sinkFile = workdir.resolve("java-out.txt");
    Path sinkFile2 = workdir.resolve("java-out2.txt");
    Files.write(sourceFile, new byte[0]);

    step("server version");
    ConnectServerVersion version = client.getConnectServerVersion();
    check(version.getVersion() != null && !version.getVersion().isEmpty(), "version is empty");
    check(version.getCommit() != null, "commit is null");
    check(version.getKafkaClusterId() != null && !version.getKafkaClusterId().isEmpty(),
        "kafka_cluster_id is empty");

    step("connector plugins");
    Collection<ConnectorPlugin> plugins = client.getConnectorPlugins();
    checkPlugin(plugins, SOURCE_CLASS, "source");
    checkPlugin(plugins, SINK_CLASS, "sink");

    step("validate (missing topics)");
    Map<String, String> incomplete = new HashMap<>();
    incomplete.put("connector.class", "FileStreamSink");
    incomplete.put("name", SINK);
    ConnectorPluginConfigValidationResults invalid = client.validateConnectorPluginConfig(
        new ConnectorPluginConfigDefinition("FileStreamSinkConnector", incomplete));
    check(invalid.getErrorCount() >= 1, "error_count " + invalid.getErrorCount() + ", want >= 1");
    check(invalid.getGroups().contains("Common"), "groups " + invalid.getGroups() + " lack Common");
    ConnectorPluginConfigValidationResults.Config topics = invalid.getConfigs().stream()
        .filter(c -> c.getDefinition() != null && "topics".equals(c.getDefinition().getName()))
        .findFirst()
        .orElseThrow(() -> new Mismatch("no config definition named topics"));
    check(!topics.getValue().getErrors().isEmpty(),
        "topics has no error although neither topics nor topics.regex is set");

    step("validate (complete)");
    Map<String, String> sinkConfig = sinkConfig(sinkFile);
    Map<String, String> named = new HashMap<>(sinkConfig);
    named.put("name", SINK);
    ConnectorPluginConfigValidationResults valid = client.validateConnectorPluginConfig(
        new ConnectorPluginConfigDefinition("FileStreamSinkConnector", named));
    check(valid.getErrorCount() == 0, "error_count " + valid.getErrorCount() + ", want 0");

    step("create source");
    Map<String, String> sourceConfig = new HashMap<>();
    sourceConfig.put("connector.class", SOURCE_CLASS);
    sourceConfig.put("file", sourceFile.toString());
    sourceConfig.put("topic", TOPIC);
    sourceConfig.put("tasks.max", "1");
    ConnectorDefinition src = client.addConnector(
        NewConnectorDefinition.newBuilder().withName(SOURCE).withConfig(sourceConfig).build());
    check(SOURCE.equals(src.getName()), "name " + src.getName());
    check("source".equals(src.getType()), "type " + src.getType() + ", want source");
    check(sourceFile.toString().equals(src.getConfig().get("file")), "config " + src.getConfig());
    check(SOURCE.equals(src.getConfig().get("name")), "config lacks name=" + SOURCE + ": " + src.getConfig());

    step("create sink");
    ConnectorDefinition snk = client.addConnector(
        NewConnectorDefinition.newBuilder().withName(SINK).withConfig(sinkConfig).build());
    check("sink".equals(snk.getType()), "type " + snk.getType() + ", want sink");

    step("create duplicate");
    try {
      client.addConnector(NewConnectorDefinition.newBuilder().withName(SINK).withConfig(sinkConfig).build());
      throw new Mismatch("creating an existing connector succeeded");
    } catch (ConcurrentConfigModificationException e) {
      checkEq("Connector " + SINK + " already exists", e.getMessage(), "409 message");
    }

    step("wait RUNNING");
    waitState(SOURCE, "RUNNING", 1);
    waitState(SINK, "RUNNING", 1);

    step("data flows source -> sink");
    append(sourceFile, "alpha", "beta");
    waitLines(sinkFile, List.of("alpha", "beta"));

    step("list connectors");
    Collection<String> names = client.getConnectors();
    check(names.size() == 2 && names.contains(SOURCE) && names.contains(SINK), "connectors " + names);

    step("list with expand=status");
    ConnectorsWithExpandedStatus withStatus = client.getConnectorsWithExpandedStatus();
    checkEq("RUNNING", withStatus.getStatusForConnector(SINK).getConnector().get("state"), "sink state");
    checkEq("sink", withStatus.getStatusForConnector(SINK).getType(), "sink type");

    step("list with expand=info");
    ConnectorsWithExpandedInfo withInfo = client.getConnectorsWithExpandedInfo();
    checkEq(sinkFile.toString(), withInfo.getMappedDefinitions().get(SINK).getConfig().get("file"),
        "sink file");

    step("list with expand=info&expand=status");
    ConnectorsWithExpandedMetadata all = client.getConnectorsWithAllExpandedMetadata();
    check(all.getConnectorNames().containsAll(List.of(SOURCE, SINK)), "names " + all.getConnectorNames());
    checkEq("source", all.getDefinitionForConnector(SOURCE).getType(), "source type");
    checkEq("RUNNING", all.getStatusForConnector(SOURCE).getConnector().get("state"), "source state");

    step("get connector");
    ConnectorDefinition got = client.getConnector(SINK);
    checkEq(SINK, got.getName(), "name");
    check(got.getTasks().size() == 1 && got.getTasks().get(0).getTask() == 0
        && SINK.equals(got.getTasks().get(0).getConnector()), "tasks " + got.getTasks());

    step("get config");
    Map<String, String> config = client.getConnectorConfig(SINK);
    Map<String, String> expected = new HashMap<>(sinkConfig);
    expected.put("name", SINK);
    checkEq(expected, config, "config");

    step("update config (new sink file)");
    Map<String, String> updated = sinkConfig(sinkFile2);
    ConnectorDefinition after = client.updateConnectorConfig(SINK, updated);
    checkEq(sinkFile2.toString(), after.getConfig().get("file"), "file after update");
    checkEq(sinkFile2.toString(), client.getConnectorConfig(SINK).get("file"), "file read back");
    waitFor(() -> client.getConnectorTasks(SINK).stream()
        .anyMatch(t -> sinkFile2.toString().equals(t.getConfig().get("file"))) ? Boolean.TRUE : null,
        "the sink's task to take the new file");
    waitState(SINK, "RUNNING", 1);
    append(sourceFile, "gamma");
    waitLines(sinkFile2, List.of("gamma"));

    step("tasks");
    Collection<Task> tasks = client.getConnectorTasks(SINK);
    check(tasks.size() == 1, "tasks " + tasks);
    Task task = tasks.iterator().next();
    checkEq(SINK, task.getId().getConnector(), "task id connector");
    check(task.getId().getTask() == 0, "task id " + task.getId().getTask());
    checkEq(sinkFile2.toString(), task.getConfig().get("file"), "task config file");

    step("task status");
    TaskStatus taskStatus = client.getConnectorTaskStatus(SINK, 0);
    check(taskStatus.getId() == 0, "id " + taskStatus.getId());
    checkEq("RUNNING", taskStatus.getState(), "task state");
    check(taskStatus.getWorkerId() != null && !taskStatus.getWorkerId().isEmpty(), "worker_id empty");

    step("active topics");
    ConnectorTopics sinkTopics = client.getConnectorTopics(SINK);
    checkEq(SINK, sinkTopics.getName(), "topics name");
    checkEq(List.of(TOPIC), sinkTopics.getTopics(), "sink topics");
    ConnectorTopics sourceTopics = waitFor(() -> {
      ConnectorTopics t = client.getConnectorTopics(SOURCE);
      return t.getTopics().isEmpty() ? null : t;
    }, "source active topics");
    checkEq(List.of(TOPIC), sourceTopics.getTopics(), "source topics");

    step("pause");
    check(client.pauseConnector(SOURCE), "pause returned false");
    waitState(SOURCE, "PAUSED", 1);

    step("resume");
    check(client.resumeConnector(SOURCE), "resume returned false");
    waitState(SOURCE, "RUNNING", 1);
    append(sourceFile, "delta");
    waitLines(sinkFile2, List.of("gamma", "delta"));

    step("restart connector");
    check(client.restartConnector(SINK), "restart returned false");
    waitState(SINK, "RUNNING", 1);

    step("restart connector and tasks (includeTasks=true, onlyFailed=false)");
    check(client.restartConnector(new PostConnectorRestart(SINK).withIncludeTasks(true).withOnlyFailed(false)),
        "restart returned false");
    waitState(SINK, "RUNNING", 1);

    step("restart only failed (includeTasks=true, onlyFailed=true)");
    check(client.restartConnector(new PostConnectorRestart(SINK).withIncludeTasks(true).withOnlyFailed(true)),
        "restart returned false");
    waitState(SINK, "RUNNING", 1);

    step("restart task");
    check(client.restartConnectorTask(SINK, 0), "task restart returned false");
    waitState(SINK, "RUNNING", 1);
    append(sourceFile, "epsilon");
    waitLines(sinkFile2, List.of("gamma", "delta", "epsilon"));

    step("stop");
    check(client.stopConnector(SOURCE), "stop returned false");
    waitState(SOURCE, "STOPPED", 0);

    step("reset active topics (stopped)");
    check(client.resetConnectorTopics(SOURCE), "reset returned false");
    checkEq(List.of(), client.getConnectorTopics(SOURCE).getTopics(), "topics after reset");

    step("resume after stop");
    check(client.resumeConnector(SOURCE), "resume returned false");
    waitState(SOURCE, "RUNNING", 1);

    step("unknown connector");
    try {
      client.getConnector("no-such-connector");
      throw new Mismatch("getConnector(no-such-connector) succeeded");
    } catch (ResourceNotFoundException e) {
      checkEq("Connector no-such-connector not found", e.getMessage(), "404 message");
    }
    try {
      client.getConnectorStatus("no-such-connector");
      throw new Mismatch("getConnectorStatus(no-such-connector) succeeded");
    } catch (ResourceNotFoundException e) {
      check(e.getMessage().contains("no-such-connector"), "404 message " + e.getMessage());
    }

    step("invalid config");
    Map<String, String> noTopics = new HashMap<>();
    noTopics.put("connector.class", "FileStreamSink");
    try {
      client.addConnector(NewConnectorDefinition.newBuilder().withName("java-bad").withConfig(noTopics).build());
      throw new Mismatch("creating a sink without topics succeeded");
    } catch (InvalidRequestException e) {
      check(e.getErrorCode() == 400, "error_code " + e.getErrorCode() + ", want 400");
      checkEq("Connector configuration is invalid and contains the following 2 error(s):\n"
          + "Must configure one of topics or topics.regex\n"
          + "Must configure one of topics or topics.regex\n"
          + "You can also find the above list of errors at the endpoint "
          + "`/connector-plugins/{connectorType}/config/validate`", e.getMessage(), "400 message");
    }

    step("delete");
    check(client.deleteConnector(SOURCE), "delete returned false");
    check(client.deleteConnector(SINK), "delete returned false");
    checkEq(List.of(), new ArrayList<>(client.getConnectors()), "connectors after delete");
    try {
      client.deleteConnector(SINK);
      throw new Mismatch("deleting a deleted connector succeeded");
    } catch (ResourceNotFoundException e) {
      checkEq("Connector " + SINK + " not found", e.getMessage(), "404 message");
    }
    step("done");
  }

  private static Map<String, String> sinkConfig(Path file) {
    Map<String, String> config = new HashMap<>();
    config.put("connector.class", SINK_CLASS);
    config.put("file", file.toString());
    config.put("topics", TOPIC);
    config.put("tasks.max", "1");
    return config;
  }

  private void step(String name) {
    if (!"start".equals(step)) {
      System.out.println("ok: " + step + " (" + Duration.between(stepStart, Instant.now()).toMillis() + " ms)");
    }
    step = name;
    stepStart = Instant.now();
  }

  private static void check(boolean ok, String detail) {
    if (!ok) {
      throw new Mismatch(detail);
    }
  }

  private static void checkEq(Object want, Object got, String what) {
    if (!Objects.equals(want, got)) {
      throw new Mismatch(what + ": want " + want + ", got " + got);
    }
  }

  private static void checkPlugin(Collection<ConnectorPlugin> plugins, String className, String type) {
    for (ConnectorPlugin p : plugins) {
      if (className.equals(p.getClassName())) {
        checkEq(type, p.getType(), className + " type");
        check(p.getVersion() != null && !p.getVersion().isEmpty(), className + " has no version");
        return;
      }
    }
    throw new Mismatch(className + " not among the plugins");
  }

  private static <T> T waitFor(Supplier<T> condition, String what) {
    Instant deadline = Instant.now().plus(STATE_DEADLINE);
    T last = null;
    while (Instant.now().isBefore(deadline)) {
      last = condition.get();
      if (last != null) {
        return last;
      }
      try {
        Thread.sleep(50);  // polling interval of a deadline wait, not synchronisation
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new Mismatch("timed out after " + STATE_DEADLINE.getSeconds() + "s waiting for " + what);
  }

  /** Waits until the connector and all its tasks are in `state` and it has `tasks` tasks. */
  private void waitState(String name, String state, int tasks) {
    List<String> last = new ArrayList<>();
    try {
      waitFor(() -> {
        ConnectorStatus s = client.getConnectorStatus(name);
        last.clear();
        last.add(String.valueOf(s.getConnector()));
        last.add(String.valueOf(s.getTasks().size()));
        boolean ok = state.equals(s.getConnector().get("state")) && s.getTasks().size() == tasks
            && s.getTasks().stream().allMatch(t -> state.equals(t.getState()));
        return ok ? s : null;
      }, name + " " + state);
    } catch (Mismatch m) {
      throw new Mismatch(m.getMessage() + " (last status: connector " + last + ")");
    }
  }

  private static void append(Path file, String... lines) throws IOException {
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      text.append(line).append('\n');
    }
    Files.write(file, text.toString().getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
  }

  private static void waitLines(Path file, List<String> want) {
    waitFor(() -> {
      try {
        return Files.exists(file) && Files.readAllLines(file, StandardCharsets.UTF_8).equals(want)
            ? Boolean.TRUE : null;
      } catch (IOException e) {
        return null;
      }
    }, file + " to hold " + want);
  }
}

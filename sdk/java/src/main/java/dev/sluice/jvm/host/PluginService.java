package dev.sluice.jvm.host;

import dev.sluice.jvm.data.Schemaless;
import dev.sluice.jvm.log.LogSink;
import dev.sluice.plugin.v1.AlterOffsetsRequest;
import dev.sluice.plugin.v1.AlterOffsetsResponse;
import dev.sluice.plugin.v1.ConnectorClass;
import dev.sluice.plugin.v1.ConnectorEvent;
import dev.sluice.plugin.v1.ConnectorEventsRequest;
import dev.sluice.plugin.v1.ConnectorFailure;
import dev.sluice.plugin.v1.ConnectorOffsetsResponse;
import dev.sluice.plugin.v1.ConnectorType;
import dev.sluice.plugin.v1.DescribeRequest;
import dev.sluice.plugin.v1.DescribeResponse;
import dev.sluice.plugin.v1.HandshakeRequest;
import dev.sluice.plugin.v1.HandshakeResponse;
import dev.sluice.plugin.v1.LogRecord;
import dev.sluice.plugin.v1.LogsRequest;
import dev.sluice.plugin.v1.OffsetsReply;
import dev.sluice.plugin.v1.PartitionOffset;
import dev.sluice.plugin.v1.PluginGrpc;
import dev.sluice.plugin.v1.RequestTaskReconfiguration;
import dev.sluice.plugin.v1.ShutdownRequest;
import dev.sluice.plugin.v1.ShutdownResponse;
import dev.sluice.plugin.v1.SinkPartitionOffset;
import dev.sluice.plugin.v1.SinkPluginMessage;
import dev.sluice.plugin.v1.SinkWorkerMessage;
import dev.sluice.plugin.v1.SourcePluginMessage;
import dev.sluice.plugin.v1.SourceWorkerMessage;
import dev.sluice.plugin.v1.StartConnectorRequest;
import dev.sluice.plugin.v1.StartConnectorResponse;
import dev.sluice.plugin.v1.StopConnectorRequest;
import dev.sluice.plugin.v1.StopConnectorResponse;
import dev.sluice.plugin.v1.TaskConfig;
import dev.sluice.plugin.v1.TaskConfigsRequest;
import dev.sluice.plugin.v1.TaskConfigsResponse;
import dev.sluice.plugin.v1.ValidateRequest;
import dev.sluice.plugin.v1.ValidateResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.connector.ConnectorContext;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkConnectorContext;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceConnectorContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code sluice.plugin.v1.Plugin} service of the JVM host: Kafka Connect connectors behind
 * the plugin protocol, with the C++ host's semantics (plugin-host/plugin_service.cc). The task
 * streams are the {@link TaskSessions}' business.
 *
 * <p>Errors of plugin code become a status whose description is the exception's message
 * (INVALID_ARGUMENT for a ConfigException, UNKNOWN otherwise); its Java stack trace is logged
 * (ERROR, the Logs stream), as the Go and Python hosts log theirs: the protocol's statuses carry
 * no trace.
 *
 * <p>Thread-safety: thread-safe; the running connector is guarded by {@code connectorLock}.
 */
public final class PluginService extends PluginGrpc.PluginImplBase {
  public static final int PROTOCOL_VERSION = 1;
  public static final String SDK = "java/" + HostVersion.VERSION;
  public static final String CAPABILITY_ALTER_OFFSETS = "alter_offsets";
  /** The worker's: it answers connector-level offset reads (ConnectorOffsets). */
  public static final String WORKER_CAPABILITY_CONNECTOR_OFFSETS = "connector_offsets";

  private static final Logger log = LoggerFactory.getLogger(PluginService.class);
  private static final int MAX_QUEUED_LOGS = 10000;
  private static final int MAX_QUEUED_EVENTS = 100;

  private final LoadedPlugin plugin;
  private final TaskSessions sessions;
  private final Runnable onShutdown;
  private final AtomicBoolean shutdownRequested = new AtomicBoolean();
  private volatile boolean shuttingDown;
  private final Fanout<LogRecord> logs =
      new Fanout<>("logs", MAX_QUEUED_LOGS, 0, LogSink::toStderr);
  private final Fanout<ConnectorEvent> events =
      new Fanout<>("events", MAX_QUEUED_EVENTS, MAX_QUEUED_EVENTS, null);
  private volatile boolean workerAnswersOffsets;
  private final ConnectorOffsetReader offsetReader =
      new ConnectorOffsetReader(
          this::publishEvent, () -> workerAnswersOffsets, ConnectorOffsetReader.DEFAULT_TIMEOUT_MS);

  private final ReentrantLock connectorLock = new ReentrantLock();
  private Connector connector;
  private ConnectorPlugin connectorClass;
  private String connectorName;
  private PluginMetricsImpl connectorMetrics;
  private Metrics metrics;

  /**
   * @param onShutdown called once, on the first Shutdown RPC (the host then exits)
   */
  public PluginService(LoadedPlugin plugin, TaskSessions sessions, Runnable onShutdown) {
    this.plugin = plugin;
    this.sessions = sessions;
    this.onShutdown = onShutdown;
  }

  /** Sends every log line to the Logs stream from now on (to stderr while nobody listens). */
  public void installLogSink() {
    LogSink.setListener(logs::publish);
  }

  /** The host is shutting down: ends the Logs and ConnectorEvents streams; logs go to stderr. */
  public void beginShutdown() {
    shuttingDown = true;
    offsetReader.close();
    LogSink.setListener(null);
    logs.close();
    events.close();
  }

  /**
   * Stops the running connector, if any (host shutdown). A call into the connector that is still
   * running after {@code timeoutMs} (a start blocked on the network, say) is left alone: the host
   * exits anyway.
   */
  public void stopConnectorIfRunning(long timeoutMs) {
    try {
      if (!connectorLock.tryLock(timeoutMs, TimeUnit.MILLISECONDS)) {
        log.warn("a call into the connector is still running after {} ms; not stopping it",
            timeoutMs);
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      if (connector == null) return;
      stopConnectorLocked();
    } catch (StatusRuntimeException e) {
      log.warn("stopping the connector failed: {}", e.getStatus().getDescription());
    } finally {
      connectorLock.unlock();
    }
  }

  // ---- handshake, describe, validate ---------------------------------------------------------

  @Override
  public void handshake(HandshakeRequest request, StreamObserver<HandshakeResponse> out) {
    if (request.getProtocolVersion() != PROTOCOL_VERSION) {
      out.onError(
          Status.FAILED_PRECONDITION
              .withDescription(
                  "plugin protocol version " + Integer.toUnsignedString(request.getProtocolVersion())
                      + " is not supported (this host speaks " + PROTOCOL_VERSION + ")")
              .asRuntimeException());
      return;
    }
    workerAnswersOffsets =
        request.getWorkerCapabilitiesList().contains(WORKER_CAPABILITY_CONNECTOR_OFFSETS);
    out.onNext(
        HandshakeResponse.newBuilder()
            .setProtocolVersion(PROTOCOL_VERSION)
            .setSdk(SDK)
            .addCapabilities(CAPABILITY_ALTER_OFFSETS)
            .build());
    out.onCompleted();
  }

  @Override
  public void describe(DescribeRequest request, StreamObserver<DescribeResponse> out) {
    DescribeResponse.Builder response =
        DescribeResponse.newBuilder()
            .setPluginName(plugin.name())
            .setPluginVersion(plugin.version());
    try {
      for (ConnectorPlugin c : plugin.connectors()) {
        response.addConnectors(describe(c));
      }
    } catch (StatusRuntimeException e) {
      out.onError(e);
      return;
    }
    out.onNext(response.build());
    out.onCompleted();
  }

  private ConnectorClass describe(ConnectorPlugin c) {
    String what = "Describing " + c.className() + ": ";
    Connector instance = newConnector(c, what);
    String version;
    try {
      version = plugin.call(instance::version);
    } catch (Throwable e) {
      // Kafka Connect shows a version it cannot ask for as "undefined".
      log.warn("{}.version() failed: {}", c.className(), e.toString());
      version = null;
    }
    ConfigDef def = callPlugin(what, instance::config);
    return ConnectorClass.newBuilder()
        .setClassName(c.className())
        .addAllAliases(c.aliases())
        .setType(
            c.kind() == TaskCatalog.Kind.SOURCE
                ? ConnectorType.CONNECTOR_TYPE_SOURCE
                : ConnectorType.CONNECTOR_TYPE_SINK)
        .setVersion(version == null ? "undefined" : version)
        .addAllConfig(ConfigDefs.keysToProto(def))
        .build();
  }

  @Override
  public void validate(ValidateRequest request, StreamObserver<ValidateResponse> out) {
    try {
      ConnectorPlugin c = find(request.getConnectorClass());
      Connector instance = newConnector(c, "");
      Map<String, String> config = new HashMap<>(request.getConfigMap());
      Config validated = callPlugin("", () -> instance.validate(config));
      ConfigDef def = callPlugin("", instance::config);
      out.onNext(
          ValidateResponse.newBuilder()
              .addAllValues(
                  ConfigDefs.valuesToProto(
                      def, validated == null ? List.of() : validated.configValues()))
              .build());
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    }
  }

  // ---- connector lifecycle -------------------------------------------------------------------

  @Override
  public void startConnector(
      StartConnectorRequest request, StreamObserver<StartConnectorResponse> out) {
    try {
      ConnectorPlugin c = find(request.getConnectorClass());
      connectorLock.lock();
      try {
        if (connector != null) {
          throw Status.FAILED_PRECONDITION
              .withDescription(
                  "Connector " + connectorName
                      + " is already running in this plugin host (one per host)")
              .asRuntimeException();
        }
        String what = "Starting connector " + request.getConnectorName() + ": ";
        Connector instance = newConnector(c, what);
        PluginMetricsImpl pluginMetrics =
            new PluginMetricsImpl(metrics(), Map.of("connector", request.getConnectorName()));
        ConnectorContext context =
            c.kind() == TaskCatalog.Kind.SOURCE
                ? new SourceContext(pluginMetrics)
                : new SinkContext(pluginMetrics);
        Map<String, String> config = new HashMap<>(request.getConfigMap());
        try {
          callPlugin(
              what,
              () -> {
                instance.initialize(context);
                instance.start(config);
                return null;
              });
        } catch (StatusRuntimeException e) {
          closeQuietly(pluginMetrics);
          throw e;
        }
        connector = instance;
        connectorClass = c;
        connectorName = request.getConnectorName();
        connectorMetrics = pluginMetrics;
      } finally {
        connectorLock.unlock();
      }
      log.info("connector {} ({}) started", request.getConnectorName(), c.className());
      out.onNext(StartConnectorResponse.getDefaultInstance());
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    }
  }

  @Override
  public void taskConfigs(TaskConfigsRequest request, StreamObserver<TaskConfigsResponse> out) {
    try {
      if (request.getMaxTasks() < 1) {
        throw Status.INVALID_ARGUMENT
            .withDescription("max_tasks must be at least 1, got " + request.getMaxTasks())
            .asRuntimeException();
      }
      TaskConfigsResponse.Builder response = TaskConfigsResponse.newBuilder();
      connectorLock.lock();
      try {
        if (connector == null) {
          throw Status.FAILED_PRECONDITION
              .withDescription(
                  "TaskConfigs called while no connector is running (call StartConnector first)")
              .asRuntimeException();
        }
        Connector running = connector;
        int max = request.getMaxTasks();
        List<Map<String, String>> configs = callPlugin("", () -> running.taskConfigs(max));
        Class<?> taskClass = callPlugin("", running::taskClass);
        if (taskClass == null) {
          throw Status.UNKNOWN
              .withDescription(connectorClass.className() + ".taskClass() returned null")
              .asRuntimeException();
        }
        // More configs than max_tasks go to the worker too: it fails the connector or runs them
        // all, as tasks.max.enforce says.
        if (configs != null) {
          for (Map<String, String> config : configs) {
            TaskConfig.Builder task = TaskConfig.newBuilder();
            if (config != null) {
              for (Map.Entry<String, String> e : config.entrySet()) {
                // The protocol's maps hold no nulls; Kafka Connect would store the key as null,
                // which reads back as absent.
                if (e.getKey() != null && e.getValue() != null) {
                  task.putConfig(e.getKey(), e.getValue());
                }
              }
            }
            response.addTasks(task);
          }
        }
        response.setTaskClass(taskClass.getName());
      } finally {
        connectorLock.unlock();
      }
      out.onNext(response.build());
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    }
  }

  @Override
  public void stopConnector(StopConnectorRequest request, StreamObserver<StopConnectorResponse> out) {
    try {
      connectorLock.lock();
      try {
        if (connector == null) {
          throw Status.FAILED_PRECONDITION
              .withDescription("StopConnector called while no connector is running")
              .asRuntimeException();
        }
        stopConnectorLocked();
      } finally {
        connectorLock.unlock();
      }
      out.onNext(StopConnectorResponse.getDefaultInstance());
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    }
  }

  private void stopConnectorLocked() {
    Connector running = connector;
    String name = connectorName;
    PluginMetricsImpl pluginMetrics = connectorMetrics;
    connector = null;
    connectorClass = null;
    connectorName = null;
    connectorMetrics = null;
    try {
      callPlugin(
          "Stopping connector " + name + ": ",
          () -> {
            running.stop();
            return null;
          });
    } finally {
      closeQuietly(pluginMetrics);
    }
    log.info("connector {} stopped", name);
  }

  @Override
  public void alterOffsets(AlterOffsetsRequest request, StreamObserver<AlterOffsetsResponse> out) {
    try {
      ConnectorPlugin c = find(request.getConnectorClass());
      boolean source = c.kind() == TaskCatalog.Kind.SOURCE;
      if (source ? request.getSinkOffsetsCount() > 0 : request.getSourceOffsetsCount() > 0) {
        throw Status.INVALID_ARGUMENT
            .withDescription(
                c.className() + " is a " + (source ? "source" : "sink")
                    + " connector; AlterOffsets got " + (source ? "sink" : "source") + " offsets")
            .asRuntimeException();
      }
      Map<String, String> config = new HashMap<>(request.getConfigMap());
      boolean altered;
      if (source) {
        Map<Map<String, ?>, Map<String, ?>> offsets = new LinkedHashMap<>();
        for (PartitionOffset o : request.getSourceOffsetsList()) {
          Map<String, Object> partition;
          Map<String, Object> offset;
          try {
            partition = Schemaless.toStringKeyedMap(o.getPartition());
            offset = o.hasOffset() ? Schemaless.toStringKeyedMap(o.getOffset()) : null;
          } catch (DataException e) {
            throw Status.INVALID_ARGUMENT
                .withDescription("AlterOffsets: bad source partition or offset: " + messageOf(e))
                .asRuntimeException();
          }
          if (partition == null) {
            throw Status.INVALID_ARGUMENT
                .withDescription("AlterOffsets: a source partition must be a map, got null")
                .asRuntimeException();
          }
          offsets.put(partition, offset);
        }
        SourceConnector instance = (SourceConnector) newConnector(c, "");
        altered = callPlugin("", () -> instance.alterOffsets(config, offsets));
      } else {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (SinkPartitionOffset o : request.getSinkOffsetsList()) {
          offsets.put(
              new TopicPartition(o.getTopic(), o.getPartition()),
              o.hasOffset() ? Long.valueOf(o.getOffset()) : null);
        }
        SinkConnector instance = (SinkConnector) newConnector(c, "");
        altered = callPlugin("", () -> instance.alterOffsets(config, offsets));
      }
      out.onNext(AlterOffsetsResponse.newBuilder().setAltered(altered).build());
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    }
  }

  // ---- streams ---------------------------------------------------------------------------------

  @Override
  public void connectorEvents(ConnectorEventsRequest request, StreamObserver<ConnectorEvent> out) {
    events.listen(out);
  }

  /** The worker's answer to a connector's offset read (a ConnectorEvent's OffsetsRequest). */
  @Override
  public void connectorOffsets(OffsetsReply reply, StreamObserver<ConnectorOffsetsResponse> out) {
    offsetReader.deliver(reply);
    out.onNext(ConnectorOffsetsResponse.getDefaultInstance());
    out.onCompleted();
  }

  @Override
  public void logs(LogsRequest request, StreamObserver<LogRecord> out) {
    logs.listen(out);
  }

  @Override
  public StreamObserver<SourceWorkerMessage> sourceTask(
      StreamObserver<SourcePluginMessage> toWorker) {
    if (shuttingDown) {
      toWorker.onError(unavailable());
      return new Ignore<>();
    }
    return sessions.openSource(toWorker);
  }

  @Override
  public StreamObserver<SinkWorkerMessage> sinkTask(StreamObserver<SinkPluginMessage> toWorker) {
    if (shuttingDown) {
      toWorker.onError(unavailable());
      return new Ignore<>();
    }
    return sessions.openSink(toWorker);
  }

  @Override
  public void shutdown(ShutdownRequest request, StreamObserver<ShutdownResponse> out) {
    out.onNext(ShutdownResponse.getDefaultInstance());
    out.onCompleted();
    if (shutdownRequested.compareAndSet(false, true) && onShutdown != null) onShutdown.run();
  }

  private static StatusRuntimeException unavailable() {
    return Status.UNAVAILABLE.withDescription("the plugin host is shutting down").asRuntimeException();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private ConnectorPlugin find(String className) {
    ConnectorPlugin c = plugin.find(className);
    if (c == null) {
      throw Status.NOT_FOUND
          .withDescription(
              "Connector class " + className + " is not provided by plugin " + plugin.name())
          .asRuntimeException();
    }
    return c;
  }

  private Connector newConnector(ConnectorPlugin c, String what) {
    return callPlugin(what, () -> plugin.newConnector(c));
  }

  private synchronized Metrics metrics() {
    if (metrics == null) metrics = new Metrics();
    return metrics;
  }

  private static void closeQuietly(PluginMetricsImpl pluginMetrics) {
    if (pluginMetrics == null) return;
    try {
      pluginMetrics.close();
    } catch (IOException | RuntimeException e) {
      log.debug("closing plugin metrics: {}", e.toString());
    }
  }

  /** Plugin code that may throw. */
  interface PluginCode<T> {
    T call() throws Exception;
  }

  /**
   * Runs plugin code with the plugin's context class loader; an exception (or error) becomes the
   * status {@link #statusOf} gives, and its stack trace is logged.
   */
  <T> T callPlugin(String what, PluginCode<T> code) {
    try {
      return plugin.call(code::call);
    } catch (Throwable e) {
      Throwable cause = unwrap(e);
      StatusRuntimeException status = statusOf(cause, what);
      log.error("{}", status.getStatus().getDescription(), cause);
      throw status;
    }
  }

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof InvocationTargetException && t.getCause() != null) t = t.getCause();
    return t;
  }

  /**
   * The status of a failure of plugin code: INVALID_ARGUMENT when it is (or is caused by) a
   * ConfigException, else UNKNOWN; the description is {@code prefix} + the exception's message.
   */
  public static StatusRuntimeException statusOf(Throwable e, String prefix) {
    if (e instanceof StatusRuntimeException) return (StatusRuntimeException) e;
    Status code = Status.UNKNOWN;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConfigException) {
        code = Status.INVALID_ARGUMENT;
        break;
      }
    }
    return code.withDescription(prefix + messageOf(e)).withCause(e).asRuntimeException();
  }

  /** The exception's message, or its class name when it has none. */
  public static String messageOf(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isEmpty() ? e.getClass().getName() : message;
  }

  private void publishEvent(ConnectorEvent event) {
    events.publish(event);
  }

  /** The ConnectorContext of the running connector: its events become ConnectorEvents. */
  private class Context implements ConnectorContext {
    private final PluginMetrics pluginMetrics;

    Context(PluginMetrics pluginMetrics) {
      this.pluginMetrics = pluginMetrics;
    }

    @Override
    public void requestTaskReconfiguration() {
      publishEvent(
          ConnectorEvent.newBuilder()
              .setReconfigure(RequestTaskReconfiguration.getDefaultInstance())
              .build());
    }

    @Override
    public void raiseError(Exception e) {
      Objects.requireNonNull(e, "raiseError needs an exception");
      log.error("the connector raised an error: {}", messageOf(e), e);
      publishEvent(
          ConnectorEvent.newBuilder()
              .setFailure(
                  ConnectorFailure.newBuilder()
                      .setMessage(messageOf(e))
                      .setTrace(LogSink.stackTrace(e)))
              .build());
    }

    @Override
    public PluginMetrics pluginMetrics() {
      return pluginMetrics;
    }
  }

  private final class SourceContext extends Context implements SourceConnectorContext {
    SourceContext(PluginMetrics pluginMetrics) {
      super(pluginMetrics);
    }

    @Override
    public OffsetStorageReader offsetStorageReader() {
      return offsetReader;
    }
  }

  private final class SinkContext extends Context implements SinkConnectorContext {
    SinkContext(PluginMetrics pluginMetrics) {
      super(pluginMetrics);
    }
  }

  private static final class Ignore<T> implements StreamObserver<T> {
    @Override
    public void onNext(T value) {}

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }
}

package dev.sluice.jvm.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.jvm.data.Schemaless;
import dev.sluice.jvm.task.TaskStreams;
import dev.sluice.plugin.v1.AlterOffsetsRequest;
import dev.sluice.plugin.v1.ConnectorClass;
import dev.sluice.plugin.v1.ConnectorEvent;
import dev.sluice.plugin.v1.ConnectorEventsRequest;
import dev.sluice.plugin.v1.ConnectorType;
import dev.sluice.plugin.v1.DescribeRequest;
import dev.sluice.plugin.v1.DescribeResponse;
import dev.sluice.plugin.v1.HandshakeRequest;
import dev.sluice.plugin.v1.HandshakeResponse;
import dev.sluice.plugin.v1.LogRecord;
import dev.sluice.plugin.v1.LogsRequest;
import dev.sluice.plugin.v1.OffsetsReply;
import dev.sluice.plugin.v1.OffsetsRequest;
import dev.sluice.plugin.v1.PartitionOffset;
import dev.sluice.plugin.v1.PluginGrpc;
import dev.sluice.plugin.v1.ShutdownRequest;
import dev.sluice.plugin.v1.SinkPartitionOffset;
import dev.sluice.plugin.v1.StartConnectorRequest;
import dev.sluice.plugin.v1.StopConnectorRequest;
import dev.sluice.plugin.v1.TaskConfigsRequest;
import dev.sluice.plugin.v1.TaskConfigsResponse;
import dev.sluice.plugin.v1.ValidateRequest;
import dev.sluice.plugin.v1.ValidateResponse;
import dev.sluice.plugin.v1.ConfigValueResult;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Plugin service over a real unix socket, on the test plugin's jar. */
class PluginServiceTest {
  private Path dir;
  private EventLoopGroup group;
  private Server server;
  private ManagedChannel channel;
  private PluginService service;
  private PluginGrpc.PluginBlockingStub stub;
  private final AtomicInteger shutdowns = new AtomicInteger();

  @BeforeEach
  void setUp() throws Exception {
    // A short path: a unix socket's path holds at most 107 bytes.
    dir = Files.createTempDirectory(Path.of("/tmp"), "jvmhost");
    Path pluginDir = Files.createDirectories(dir.resolve("greetings"));
    TestPlugins.writeJar(pluginDir.resolve("lib/greetings.jar"), true);
    Files.writeString(
        pluginDir.resolve("sluice-plugin.json"), "{\"name\": \"greetings\", \"version\": \"7\"}");
    LoadedPlugin plugin = PluginLoader.load(pluginDir, getClass().getClassLoader());
    service = new PluginService(plugin, new TaskStreams(plugin), shutdowns::incrementAndGet);
    service.installLogSink();
    String socket = dir.resolve("p.sock").toString();
    group = new EpollEventLoopGroup(2);
    server =
        NettyServerBuilder.forAddress(new DomainSocketAddress(socket))
            .bossEventLoopGroup(group)
            .workerEventLoopGroup(group)
            .channelType(EpollServerDomainSocketChannel.class)
            .addService(service)
            .build()
            .start();
    channel =
        NettyChannelBuilder.forAddress(new DomainSocketAddress(socket))
            .eventLoopGroup(group)
            .channelType(EpollDomainSocketChannel.class)
            .usePlaintext()
            .build();
    stub = PluginGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    service.beginShutdown();
    service.stopConnectorIfRunning(3000);
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static Status.Code codeOf(Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    return e.getStatus().getCode();
  }

  private static StatusRuntimeException failure(Runnable call) {
    return assertThrows(StatusRuntimeException.class, call::run);
  }

  @Test
  void handshakeSpeaksVersionOne() {
    HandshakeResponse ok = stub.handshake(HandshakeRequest.newBuilder().setProtocolVersion(1).build());
    assertEquals(1, ok.getProtocolVersion());
    assertEquals("java/0.1.0", ok.getSdk());
    assertEquals(List.of("alter_offsets"), ok.getCapabilitiesList());
    StatusRuntimeException refused =
        failure(() -> stub.handshake(HandshakeRequest.newBuilder().setProtocolVersion(2).build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
    assertEquals(
        "plugin protocol version 2 is not supported (this host speaks 1)",
        refused.getStatus().getDescription());
  }

  @Test
  void describeListsTheConnectorClasses() {
    DescribeResponse described = stub.describe(DescribeRequest.getDefaultInstance());
    assertEquals("greetings", described.getPluginName());
    assertEquals("7", described.getPluginVersion());
    Map<String, ConnectorClass> classes =
        described.getConnectorsList().stream()
            .collect(Collectors.toMap(ConnectorClass::getClassName, c -> c));
    ConnectorClass source = classes.get(TestPlugins.SOURCE);
    assertEquals(ConnectorType.CONNECTOR_TYPE_SOURCE, source.getType());
    assertEquals("1.2.3", source.getVersion());
    assertEquals(List.of("GreetingSource", "GreetingSourceConnector"), source.getAliasesList());
    assertEquals(6, source.getConfigCount());
    ConnectorClass sink = classes.get(TestPlugins.SINK);
    assertEquals(ConnectorType.CONNECTOR_TYPE_SINK, sink.getType());
    assertEquals("undefined", sink.getVersion());
    assertEquals(0, sink.getConfigCount());
  }

  @Test
  void validateRunsTheConnectorsChecks() {
    ValidateResponse validated =
        stub.validate(
            ValidateRequest.newBuilder()
                .setConnectorClass("GreetingSource")
                .putConfig("topic", "forbidden")
                .putConfig("count", "0")
                .build());
    List<String> names =
        validated.getValuesList().stream().map(ConfigValueResult::getName).collect(Collectors.toList());
    assertEquals(
        List.of("topic", "greeting", "count", "names", "secret", "fail.start", "extra.check"),
        names);
    assertEquals(List.of("topic 'forbidden' is not allowed"), validated.getValues(0).getErrorsList());
    assertEquals("forbidden", validated.getValues(0).getValue());
    assertEquals(1, validated.getValues(2).getErrorsCount());
    assertFalse(validated.getValues(4).hasValue(), "a null value is unset");
    ValidateResponse empty =
        stub.validate(ValidateRequest.newBuilder().setConnectorClass(TestPlugins.SOURCE).build());
    assertEquals(1, empty.getValues(0).getErrorsCount(), "topic is required");
    StatusRuntimeException unknown =
        failure(() -> stub.validate(ValidateRequest.newBuilder().setConnectorClass("No").build()));
    assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    assertEquals(
        "Connector class No is not provided by plugin greetings",
        unknown.getStatus().getDescription());
  }

  /** Starts GreetingSource as connector c1 writing to topic t. */
  private static StartConnectorRequest.Builder greetingSource() {
    return StartConnectorRequest.newBuilder()
        .setConnectorClass("GreetingSource")
        .setConnectorName("c1")
        .putConfig("topic", "t");
  }

  @Test
  void aSourceConnectorReadsItsOffsetsThroughTheWorker() throws Exception {
    stub.handshake(
        HandshakeRequest.newBuilder()
            .setProtocolVersion(1)
            .addWorkerCapabilities(PluginService.WORKER_CAPABILITY_CONNECTOR_OFFSETS)
            .build());
    Iterator<ConnectorEvent> events =
        stub.withDeadlineAfter(20, TimeUnit.SECONDS)
            .connectorEvents(ConnectorEventsRequest.getDefaultInstance());
    // start() waits for the worker's answer to its read.
    CompletableFuture<Void> started =
        CompletableFuture.runAsync(() -> stub.startConnector(greetingSource().build()));
    assertTrue(events.next().hasReconfigure());
    ConnectorEvent read = events.next();
    assertTrue(read.hasOffsetsRequest(), read.toString());
    OffsetsRequest request = read.getOffsetsRequest();
    assertEquals(1, request.getPartitionsCount());
    assertEquals(Map.of("p", 1L), Schemaless.toJava(request.getPartitions(0)));
    assertFalse(started.isDone());

    // An answer nobody waits for is taken and dropped.
    stub.connectorOffsets(
        OffsetsReply.newBuilder().setRequestId(request.getRequestId() + 100).build());
    stub.connectorOffsets(
        OffsetsReply.newBuilder()
            .setRequestId(request.getRequestId())
            .addOffsets(
                PartitionOffset.newBuilder()
                    .setPartition(request.getPartitions(0))
                    .setOffset(Schemaless.toProto(Map.of("pos", 5L))))
            .build());
    started.get(10, TimeUnit.SECONDS);
    TaskConfigsResponse tasks =
        stub.taskConfigs(TaskConfigsRequest.newBuilder().setMaxTasks(1).build());
    assertEquals("5", tasks.getTasks(0).getConfigMap().get("seen.pos"));
    stub.stopConnector(StopConnectorRequest.getDefaultInstance());
  }

  @Test
  void connectorLifecycle() throws Exception {
    assertEquals(
        Status.Code.FAILED_PRECONDITION,
        codeOf(() -> stub.stopConnector(StopConnectorRequest.getDefaultInstance())));
    assertEquals(
        Status.Code.FAILED_PRECONDITION,
        codeOf(() -> stub.taskConfigs(TaskConfigsRequest.newBuilder().setMaxTasks(1).build())));
    StatusRuntimeException failed =
        failure(
            () -> stub.startConnector(greetingSource().putConfig("fail.start", "true").build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, failed.getStatus().getCode());
    assertEquals(
        "Starting connector c1: Invalid value true for configuration fail.start: asked to fail",
        failed.getStatus().getDescription());

    StartConnectorRequest start = greetingSource().build();
    stub.startConnector(start);
    StatusRuntimeException twice = failure(() -> stub.startConnector(start));
    assertEquals(Status.Code.FAILED_PRECONDITION, twice.getStatus().getCode());
    assertEquals(
        "Connector c1 is already running in this plugin host (one per host)",
        twice.getStatus().getDescription());
    TaskConfigsResponse tasks =
        stub.taskConfigs(TaskConfigsRequest.newBuilder().setMaxTasks(2).build());
    assertEquals("dev.sluice.jvm.testplugin.GreetingSourceTask", tasks.getTaskClass());
    assertEquals(2, tasks.getTasksCount());
    assertEquals(Map.of("topic", "t", "n", "1"), tasks.getTasks(1).getConfigMap());
    assertEquals(
        Status.Code.INVALID_ARGUMENT,
        codeOf(() -> stub.taskConfigs(TaskConfigsRequest.newBuilder().setMaxTasks(0).build())));

    // The reconfiguration start asked for was kept for the first listener.
    Iterator<ConnectorEvent> events =
        stub.withDeadlineAfter(10, TimeUnit.SECONDS)
            .connectorEvents(ConnectorEventsRequest.getDefaultInstance());
    assertTrue(events.next().hasReconfigure());

    stub.stopConnector(StopConnectorRequest.getDefaultInstance());
    assertEquals(
        Status.Code.FAILED_PRECONDITION,
        codeOf(() -> stub.stopConnector(StopConnectorRequest.getDefaultInstance())));

    // A sink's raised error is a failure event with the Java stack trace.
    stub.startConnector(
        StartConnectorRequest.newBuilder()
            .setConnectorClass("ShySink")
            .setConnectorName("c2")
            .build());
    ConnectorEvent failure = events.next();
    assertEquals("shy sink failed on purpose", failure.getFailure().getMessage());
    assertTrue(
        failure
            .getFailure()
            .getTrace()
            .startsWith("java.lang.IllegalStateException: shy sink failed on purpose\n\tat "),
        failure.getFailure().getTrace());
  }

  @Test
  void logsCarryPluginLines() throws Exception {
    BlockingQueue<LogRecord> records = new LinkedBlockingQueue<>();
    Iterator<LogRecord> stream =
        stub.withDeadlineAfter(20, TimeUnit.SECONDS).logs(LogsRequest.getDefaultInstance());
    Thread reader =
        new Thread(
            () -> {
              try {
                while (stream.hasNext()) records.add(stream.next());
              } catch (StatusRuntimeException e) {
                // Deadline or shutdown: the test has what it needed or fails on its own deadline.
              }
            });
    reader.setDaemon(true);
    reader.start();
    StartConnectorRequest start = greetingSource().build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    LogRecord found = null;
    // The stream is registered asynchronously: start and stop until a start line arrives.
    while (found == null && System.nanoTime() < deadline) {
      stub.startConnector(start);
      stub.stopConnector(StopConnectorRequest.getDefaultInstance());
      for (LogRecord r = records.poll(200, TimeUnit.MILLISECONDS);
          r != null;
          r = records.poll(50, TimeUnit.MILLISECONDS)) {
        if (r.getMessage().equals("greeting source started for topic t")) found = r;
      }
    }
    assertNotNull(found, "no log line of the plugin within 10s");
    assertEquals(TestPlugins.SOURCE, found.getLogger());
    assertEquals(LogRecord.Level.LEVEL_INFO, found.getLevel());
    assertEquals(-1, found.getTask());
    assertTrue(Math.abs(found.getTimestampMs() - System.currentTimeMillis()) < 60_000);
  }

  private static AlterOffsetsRequest.Builder alter(String connectorClass) {
    return AlterOffsetsRequest.newBuilder().setConnectorClass(connectorClass);
  }

  /** The status AlterOffsets fails with. */
  private StatusRuntimeException alterFailure(AlterOffsetsRequest.Builder request) {
    return failure(() -> stub.alterOffsets(request.build()));
  }

  @Test
  void alterOffsets() {
    SinkPartitionOffset.Builder ok0 =
        SinkPartitionOffset.newBuilder().setTopic("ok").setPartition(0).setOffset(5);
    SinkPartitionOffset.Builder ok1 =
        SinkPartitionOffset.newBuilder().setTopic("ok").setPartition(1);
    assertTrue(
        stub.alterOffsets(alter("ShySink").addSinkOffsets(ok0).addSinkOffsets(ok1).build())
            .getAltered());
    StatusRuntimeException refused =
        alterFailure(
            alter("ShySink")
                .addSinkOffsets(SinkPartitionOffset.newBuilder().setTopic("bad").setOffset(1)));
    assertEquals(Status.Code.UNKNOWN, refused.getStatus().getCode());
    assertEquals("cannot alter offsets of bad-0", refused.getStatus().getDescription());
    assertEquals(
        Status.Code.INVALID_ARGUMENT,
        alterFailure(alter("ShySink").addSourceOffsets(PartitionOffset.getDefaultInstance()))
            .getStatus()
            .getCode());
    assertEquals(Status.Code.NOT_FOUND, alterFailure(alter("Nope")).getStatus().getCode());
  }

  @Test
  void alterSourceOffsets() {
    dev.sluice.plugin.v1.Value file = Schemaless.toProto(Map.of("file", "a.txt"));
    dev.sluice.plugin.v1.Value pos = Schemaless.toProto(Map.of("pos", 42L));
    PartitionOffset.Builder filePos =
        PartitionOffset.newBuilder().setPartition(file).setOffset(pos);
    PartitionOffset.Builder fileOnly = PartitionOffset.newBuilder().setPartition(file);
    assertTrue(
        stub.alterOffsets(
                alter("GreetingSource")
                    .addSourceOffsets(filePos)
                    .addSourceOffsets(fileOnly)
                    .build())
            .getAltered());
    StatusRuntimeException refused =
        alterFailure(
            alter("GreetingSource")
                .addSourceOffsets(PartitionOffset.newBuilder().setPartition(file).setOffset(file)));
    assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
    assertEquals("unexpected source offset {file=a.txt}", refused.getStatus().getDescription());
    PartitionOffset.Builder notAMap =
        PartitionOffset.newBuilder().setPartition(Schemaless.toProto(1L));
    assertEquals(
        Status.Code.INVALID_ARGUMENT,
        alterFailure(alter("GreetingSource").addSourceOffsets(notAMap)).getStatus().getCode());
  }

  @Test
  void shutdownCallsBackOnce() {
    stub.shutdown(ShutdownRequest.getDefaultInstance());
    stub.shutdown(ShutdownRequest.getDefaultInstance());
    assertEquals(1, shutdowns.get());
  }

}

package dev.sluice.jvm;

import dev.sluice.plugin.v1.*;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.StreamObserver;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A test stand-in for the JVM plugin host (tests/integration/test_jvm_host.py): a minimal plugin
 * that speaks the plugin protocol over grpc-java, as sluice-jvm-host.jar will, and offers one
 * source connector whose task probes the sandbox around its JVM. The test puts this class in a
 * copy of the real sluice-jvm-host.jar (same classpath: grpc-java, netty's epoll transport) and
 * points SLUICE_JVM_HOST_JAR at it.
 *
 * Task config "probe": "report" answers TaskError with what the JVM sees (its heap, the memory
 * limit it detects, its threads, and for each path of "read" whether it could read it); "oom"
 * allocates until the heap is exhausted.
 */
public final class Main {
  private Main() {}

  // The connector class: JvmProbeSource in the folder jvm-probe; Probe_<folder> elsewhere, so
  // that several folders on one plugin.path offer distinct classes.
  static String className = "dev.sluice.test.JvmProbeSource";
  static String pluginName = "jvm-probe";

  public static void main(String[] args) throws Exception {
    for (int i = 0; i + 1 < args.length; ++i) {
      if (args[i].equals("--plugin-dir")) {
        pluginName = Path.of(args[i + 1]).getFileName().toString();
        if (!pluginName.equals("jvm-probe")) {
          className = "dev.sluice.test.Probe_" + pluginName.replaceAll("[^A-Za-z0-9]", "_");
        }
      }
    }
    String socketDir = System.getenv("SLUICE_PLUGIN_SOCKET_DIR");
    String path = socketDir + "/plugin-" + ProcessHandle.current().pid() + ".sock";
    Files.deleteIfExists(Path.of(path));
    EpollEventLoopGroup group = new EpollEventLoopGroup(2);
    Server server = NettyServerBuilder.forAddress(new DomainSocketAddress(path))
        .channelType(EpollServerDomainSocketChannel.class)
        .bossEventLoopGroup(group)
        .workerEventLoopGroup(group)
        .addService(new Service())
        .build()
        .start();
    System.out.println("SLUICE-PLUGIN|1|unix|" + path + "|grpc");
    System.out.flush();
    System.err.println("jvm probe serving on " + path);
    while (System.in.read() >= 0) {
      // the worker writes nothing; EOF means it let go of this host
    }
    server.shutdownNow();
    System.exit(0);
  }

  static String report(Map<String, String> config) {
    StringBuilder out = new StringBuilder();
    Runtime rt = Runtime.getRuntime();
    out.append("max_heap=").append(rt.maxMemory()).append('\n');
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    out.append("total_memory=").append(os.getTotalMemorySize()).append('\n');
    out.append("threads=").append(Thread.getAllStackTraces().size()).append('\n');
    out.append("tmpdir=").append(System.getProperty("java.io.tmpdir")).append('\n');
    out.append("input_arguments=").append(ManagementFactory.getRuntimeMXBean().getInputArguments())
        .append('\n');
    for (String p : config.getOrDefault("read", "").split(",")) {
      if (p.isBlank()) continue;
      try {
        byte[] bytes = Files.readAllBytes(Path.of(p.trim()));
        out.append("read ").append(p.trim()).append(": ok ").append(bytes.length).append(" bytes\n");
      } catch (Exception e) {
        out.append("read ").append(p.trim()).append(": denied (").append(e).append(")\n");
      }
    }
    return out.toString();
  }

  static final class Service extends PluginGrpc.PluginImplBase {
    private Map<String, String> connectorConfig = Map.of();

    @Override
    public void handshake(HandshakeRequest request, StreamObserver<HandshakeResponse> reply) {
      reply.onNext(HandshakeResponse.newBuilder().setProtocolVersion(1).setSdk("java-probe/1").build());
      reply.onCompleted();
    }

    @Override
    public void describe(DescribeRequest request, StreamObserver<DescribeResponse> reply) {
      ConnectorClass.Builder c = ConnectorClass.newBuilder()
          .setClassName(className)
          .setType(ConnectorType.CONNECTOR_TYPE_SOURCE)
          .setVersion("1.0");
      for (String key : new String[] {"probe", "read"}) {
        c.addConfig(ConfigKeyDefinition.newBuilder()
            .setName(key)
            .setType(ConfigKeyDefinition.Type.TYPE_STRING)
            .setDefaultValue("")
            .setImportance(ConfigKeyDefinition.Importance.IMPORTANCE_LOW)
            .setOrderInGroup(-1));
      }
      reply.onNext(DescribeResponse.newBuilder()
          .setPluginName(pluginName).setPluginVersion("1.0").addConnectors(c).build());
      reply.onCompleted();
    }

    @Override
    public void validate(ValidateRequest request, StreamObserver<ValidateResponse> reply) {
      ValidateResponse.Builder r = ValidateResponse.newBuilder();
      for (String key : new String[] {"probe", "read"}) {
        ConfigValueResult.Builder v = ConfigValueResult.newBuilder().setName(key).setVisible(true);
        v.setValue(request.getConfigMap().getOrDefault(key, ""));
        r.addValues(v);
      }
      reply.onNext(r.build());
      reply.onCompleted();
    }

    @Override
    public void startConnector(StartConnectorRequest request,
                               StreamObserver<StartConnectorResponse> reply) {
      connectorConfig = request.getConfigMap();
      reply.onNext(StartConnectorResponse.getDefaultInstance());
      reply.onCompleted();
    }

    @Override
    public void taskConfigs(TaskConfigsRequest request, StreamObserver<TaskConfigsResponse> reply) {
      reply.onNext(TaskConfigsResponse.newBuilder()
          .addTasks(TaskConfig.newBuilder().putAllConfig(connectorConfig))
          .setTaskClass("dev.sluice.test.JvmProbeTask").build());
      reply.onCompleted();
    }

    @Override
    public void stopConnector(StopConnectorRequest request, StreamObserver<StopConnectorResponse> reply) {
      reply.onNext(StopConnectorResponse.getDefaultInstance());
      reply.onCompleted();
    }

    @Override
    public void connectorEvents(ConnectorEventsRequest request, StreamObserver<ConnectorEvent> reply) {
      // none; the stream stays open until the host goes
    }

    @Override
    public void logs(LogsRequest request, StreamObserver<LogRecord> reply) {
      // logs go to stderr
    }

    @Override
    public void shutdown(ShutdownRequest request, StreamObserver<ShutdownResponse> reply) {
      reply.onNext(ShutdownResponse.getDefaultInstance());
      reply.onCompleted();
      new Thread(() -> {
        try {
          Thread.sleep(100);  // let the answer leave
        } catch (InterruptedException ignored) {
          // exiting anyway
        }
        System.exit(0);
      }).start();
    }

    @Override
    public StreamObserver<SourceWorkerMessage> sourceTask(StreamObserver<SourcePluginMessage> reply) {
      return new StreamObserver<SourceWorkerMessage>() {
        @Override
        public void onNext(SourceWorkerMessage message) {
          if (message.hasStart()) {
            Map<String, String> config = message.getStart().getConfigMap();
            if (config.getOrDefault("probe", "").equals("oom")) {
              List<byte[]> hoard = new ArrayList<>();
              while (true) hoard.add(new byte[1 << 20]);
            }
            reply.onNext(SourcePluginMessage.newBuilder()
                .setError(TaskError.newBuilder().setMessage("jvm probe report")
                    .setTrace("jvm probe report\n" + report(config)))
                .build());
            reply.onCompleted();
          } else if (message.hasStop()) {
            reply.onNext(SourcePluginMessage.newBuilder()
                .setStopped(TaskStopped.getDefaultInstance()).build());
            reply.onCompleted();
          }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      };
    }
  }
}

package dev.sluice.jvm;

import dev.sluice.jvm.host.LoadedPlugin;
import dev.sluice.jvm.host.PluginLoader;
import dev.sluice.jvm.host.PluginService;
import dev.sluice.jvm.host.TaskSessions;
import dev.sluice.jvm.log.JulBridge;
import dev.sluice.jvm.log.LogSink;
import dev.sluice.jvm.task.TaskStreams;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM plugin host: runs the Kafka Connect connectors of one plugin (a directory of jars, or
 * one jar) behind the plugin protocol, as an exec plugin of sluice-plugin-host.
 *
 * <pre>
 *   java -cp sluice-jvm-host.jar dev.sluice.jvm.Main --plugin-dir DIR [--label L] [--socket-dir D]
 * </pre>
 *
 * The socket directory and label default to SLUICE_PLUGIN_SOCKET_DIR and SLUICE_PLUGIN_LABEL.
 * Serves on {@code <socket dir>/plugin-<pid>.sock}, prints the handshake line, and exits on
 * stdin EOF or the Shutdown RPC (plugin-host/README.md). Exit codes: 0 after a clean shutdown,
 * 1 when setting up fails (the reason is the last stderr line), 2 for bad arguments.
 */
public final class Main {
  static final int MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
  private static final int EXIT_SETUP_FAILED = 1;
  private static final int EXIT_USAGE = 2;
  private static final String USAGE =
      "usage: java -cp sluice-jvm-host.jar dev.sluice.jvm.Main --plugin-dir DIR [--label NAME]"
          + " [--socket-dir DIR]";
  // A sockaddr_un path holds at most 107 bytes.
  private static final int MAX_SOCKET_PATH = 107;

  private Main() {}

  /** The command line, after the environment's defaults. */
  static final class Options {
    String pluginDir;
    String socketDir = System.getenv("SLUICE_PLUGIN_SOCKET_DIR");
    String label = System.getenv("SLUICE_PLUGIN_LABEL");
  }

  static Options parse(String[] args) {
    Options options = new Options();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.equals("--plugin-dir") && !arg.equals("--label") && !arg.equals("--socket-dir")) {
        throw new IllegalArgumentException("unknown argument '" + arg + "'");
      }
      if (i + 1 >= args.length) throw new IllegalArgumentException(arg + " needs a value");
      String value = args[++i];
      switch (arg) {
        case "--plugin-dir":
          options.pluginDir = value;
          break;
        case "--label":
          options.label = value;
          break;
        default:
          options.socketDir = value;
          break;
      }
    }
    if (options.pluginDir == null || options.pluginDir.isEmpty()) {
      throw new IllegalArgumentException("--plugin-dir is required");
    }
    if (options.socketDir == null || options.socketDir.isEmpty()) {
      throw new IllegalArgumentException(
          "no socket directory: SLUICE_PLUGIN_SOCKET_DIR is not set and --socket-dir is not given"
              + " (run this host through sluice-plugin-host)");
    }
    return options;
  }

  public static void main(String[] args) {
    // The handshake line goes to the real stdout; everything else printed there lands in stderr.
    PrintStream stdout =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    System.setOut(System.err);
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("sluice-jvm-host: " + e.getMessage());
      System.err.println(USAGE);
      System.err.flush();
      Runtime.getRuntime().halt(EXIT_USAGE);
      return;
    }
    try {
      LogSink.setLabel(options.label);
      JulBridge.install();
      Logger log = LoggerFactory.getLogger(Main.class);
      try {
        run(options, stdout, log);
      } catch (SetupFailed e) {
        LogSink.setListener(null);
        log.error("{}", e.getMessage());
      }
    } catch (Throwable e) {
      // The JVM itself could not set up (a sandbox that hides a file it needs, say): the trace,
      // then one line that says so.
      LogSink.setListener(null);
      e.printStackTrace();
      System.err.println("sluice-jvm-host: setting up failed: " + e);
    }
    System.err.flush();
    Runtime.getRuntime().halt(EXIT_SETUP_FAILED);
  }

  /**
   * Netty extracts its native epoll library into a temporary directory before loading it; a
   * sandboxed host may write only its own socket directory, so that is where it goes (unless the
   * command line chose another place).
   */
  static void placeNativeLibraries(String socketDir) {
    String key = "io.grpc.netty.shaded.io.netty.native.workdir";
    if (System.getProperty(key) == null) System.setProperty(key, socketDir);
  }

  /** Setting up failed; the message is the last line on stderr. */
  static final class SetupFailed extends Exception {
    private static final long serialVersionUID = 1L;

    SetupFailed(String message) {
      super(message);
    }
  }

  private static void run(Options options, PrintStream stdout, Logger log) throws SetupFailed {
    long started = System.nanoTime();
    LoadedPlugin plugin;
    try {
      plugin = PluginLoader.load(Paths.get(options.pluginDir), Main.class.getClassLoader());
    } catch (PluginLoader.SetupException e) {
      throw new SetupFailed(e.getMessage());
    }

    Path socket =
        Paths.get(options.socketDir)
            .toAbsolutePath()
            .resolve("plugin-" + ProcessHandle.current().pid() + ".sock");
    if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
      throw new SetupFailed(
          "socket path " + socket + " is too long for a unix socket (" + MAX_SOCKET_PATH
              + " bytes at most)");
    }
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      throw new SetupFailed("cannot remove the stale socket " + socket + ": " + e.getMessage());
    }

    placeNativeLibraries(socket.getParent().toString());
    CountDownLatch shutdown = new CountDownLatch(1);
    TaskSessions sessions = new TaskStreams(plugin);
    PluginService service = new PluginService(plugin, sessions, shutdown::countDown);
    service.installLogSink();

    EventLoopGroup boss = new EpollEventLoopGroup(1);
    EventLoopGroup workers = new EpollEventLoopGroup(2);
    Server server;
    try {
      server =
          NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
              .bossEventLoopGroup(boss)
              .workerEventLoopGroup(workers)
              .channelType(EpollServerDomainSocketChannel.class)
              .maxInboundMessageSize(MAX_MESSAGE_BYTES)
              .addService(service)
              .build()
              .start();
    } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
      throw new SetupFailed("cannot serve gRPC on unix socket " + socket + ": " + e);
    }
    log.info(
        "plugin {} {} loaded from {}; serving on {}",
        plugin.name(), plugin.version(), plugin.loader().location(), socket);

    stdout.print("SLUICE-PLUGIN|" + PluginService.PROTOCOL_VERSION + "|unix|" + socket + "|grpc\n");
    stdout.flush();
    log.debug("handshake line after {} ms", (System.nanoTime() - started) / 1_000_000);

    // Find the connector classes now, off the handshake's path, so that Describe finds them
    // ready; a failure here is logged and retried on first use.
    Thread warm =
        new Thread(
            () -> {
              try {
                int n = plugin.connectors().size();
                log.info("plugin {}: {} connector class(es)", plugin.name(), n);
              } catch (RuntimeException | LinkageError e) {
                log.warn("finding the connector classes failed: {}", e.toString(), e);
              }
            },
            "sluice-discovery");
    warm.setDaemon(true);
    warm.start();

    Thread stdin =
        new Thread(
            () -> {
              waitForEof(System.in);
              log.info("stdin closed: the worker is gone or let go of this host; shutting down");
              shutdown.countDown();
            },
            "sluice-stdin");
    stdin.setDaemon(true);
    stdin.start();

    awaitQuietly(shutdown);
    log.info("shutting down");
    service.beginShutdown();
    sessions.stopAll(5000);
    server.shutdownNow();
    try {
      server.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("gRPC server stopped");
    service.stopConnectorIfRunning(2000);
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      log.warn("cannot remove the socket {}: {}", socket, e.toString());
    }
    log.info("plugin host exits");
    System.err.flush();
    // Plugin code may have left threads behind; do not wait for them.
    Runtime.getRuntime().halt(0);
  }

  private static void waitForEof(InputStream in) {
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // The worker writes nothing; ignore whatever comes.
      }
    } catch (IOException e) {
      // A broken stdin is as good as EOF.
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    while (true) {
      try {
        latch.await();
        return;
      } catch (InterruptedException e) {
        // Keep waiting: only stdin EOF or Shutdown end the host.
      }
    }
  }
}

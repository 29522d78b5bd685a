package dev.sluice.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.plugin.v1.DescribeRequest;
import dev.sluice.plugin.v1.HandshakeRequest;
import dev.sluice.plugin.v1.PluginGrpc;
import dev.sluice.plugin.v1.ShutdownRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The host as the plugin host runs it: a separate JVM, its handshake line, its exits. */
class MainTest {
  private Path dir;

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory(Path.of("/tmp"), "jvmmain");
  }

  @AfterEach
  void tearDown() throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private Process start(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("SLUICE_PLUGIN_SOCKET_DIR", dir.toString());
    builder.environment().put("SLUICE_PLUGIN_LABEL", "main-test");
    builder.redirectError(dir.resolve("stderr.txt").toFile());
    return builder.start();
  }

  private List<String> stderr() throws Exception {
    return Files.readAllLines(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
  }

  private Path pluginDir() throws Exception {
    Path plugin = Files.createDirectories(dir.resolve("plugin/lib"));
    dev.sluice.jvm.host.TestPluginJars.write(plugin.resolve("greetings.jar"));
    return plugin.getParent();
  }

  private static String firstLine(Process p) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    return out.readLine();
  }

  @Test
  void servesUntilStdinCloses() throws Exception {
    Process p = start("--plugin-dir", pluginDir().toString());
    String line = firstLine(p);
    Path socket = dir.resolve("plugin-" + p.pid() + ".sock");
    assertEquals("SLUICE-PLUGIN|1|unix|" + socket + "|grpc", line);
    EventLoopGroup group = new EpollEventLoopGroup(1);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
            .eventLoopGroup(group)
            .channelType(EpollDomainSocketChannel.class)
            .usePlaintext()
            .build();
    try {
      PluginGrpc.PluginBlockingStub stub =
          PluginGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
      assertEquals(
          "java/0.1.0",
          stub.handshake(HandshakeRequest.newBuilder().setProtocolVersion(1).build()).getSdk());
      assertEquals(2, stub.describe(DescribeRequest.getDefaultInstance()).getConnectorsCount());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
    p.getOutputStream().close();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the host did not exit on stdin EOF");
    assertEquals(0, p.exitValue());
    assertFalse(Files.exists(socket), "the socket is removed");
    // Nothing but the handshake line on stdout.
    assertEquals(-1, p.getInputStream().read());
    assertTrue(stderr().stream().anyMatch(l -> l.contains("[jvm-host main-test]")), "" + stderr());
  }

  @Test
  void exitsOnShutdown() throws Exception {
    Process p = start("--plugin-dir", pluginDir().toString());
    String line = firstLine(p);
    String socket = line.split("\\|")[3];
    EventLoopGroup group = new EpollEventLoopGroup(1);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(new DomainSocketAddress(socket))
            .eventLoopGroup(group)
            .channelType(EpollDomainSocketChannel.class)
            .usePlaintext()
            .build();
    try {
      PluginGrpc.newBlockingStub(channel)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .shutdown(ShutdownRequest.getDefaultInstance());
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the host did not exit on Shutdown");
      assertEquals(0, p.exitValue());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      p.destroyForcibly();
    }
  }

  @Test
  void setupFailuresExitWithOne() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Process p = start("--plugin-dir", empty.toString());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(1, p.exitValue());
    List<String> lines = stderr();
    String last = lines.get(lines.size() - 1);
    assertTrue(last.contains("holds no jar"), last);
    assertEquals(-1, p.getInputStream().read(), "no handshake line");
  }

  @Test
  void badArgumentsExitWithTwo() throws Exception {
    Process p = start("--plugin-dir");
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue());
    assertTrue(String.join("\n", stderr()).contains("--plugin-dir needs a value"));
    assertTrue(new File(dir.toFile(), "stderr.txt").length() > 0);
  }
}

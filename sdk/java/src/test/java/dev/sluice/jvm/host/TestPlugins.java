package dev.sluice.jvm.host;

import dev.sluice.jvm.testplugin.GreetingSourceConnector;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Packs the test plugin (package dev.sluice.jvm.testplugin of the test classes) into a jar. */
final class TestPlugins {
  private TestPlugins() {}

  static final String SOURCE = "dev.sluice.jvm.testplugin.GreetingSourceConnector";
  static final String SINK = "dev.sluice.jvm.testplugin.ShySinkConnector";

  /** Writes the jar at {@code jar}; with {@code services}, META-INF/services lists both. */
  static Path writeJar(Path jar, boolean services) throws IOException {
    Path classes;
    try {
      classes =
          Path.of(
              GreetingSourceConnector.class.getProtectionDomain().getCodeSource().getLocation()
                  .toURI());
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
    Path pkg = classes.resolve("dev/sluice/jvm/testplugin");
    List<Path> files;
    try (Stream<Path> s = Files.list(pkg)) {
      files = s.filter(p -> p.toString().endsWith(".class")).sorted().collect(Collectors.toList());
    }
    Files.createDirectories(jar.getParent());
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      for (Path f : files) {
        out.putNextEntry(new JarEntry("dev/sluice/jvm/testplugin/" + f.getFileName()));
        out.write(Files.readAllBytes(f));
        out.closeEntry();
      }
      if (services) {
        out.putNextEntry(
            new JarEntry("META-INF/services/org.apache.kafka.connect.source.SourceConnector"));
        out.write(("# the test plugin\n" + SOURCE + "\n").getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
        out.putNextEntry(
            new JarEntry("META-INF/services/org.apache.kafka.connect.sink.SinkConnector"));
        out.write((SINK + "\ndev.sluice.jvm.testplugin.Missing\n").getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return jar;
  }
}

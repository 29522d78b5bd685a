package dev.sluice.jvm.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginLoaderTest {
  private static List<String> names(LoadedPlugin plugin) {
    return plugin.connectors().stream().map(ConnectorPlugin::className).collect(Collectors.toList());
  }

  @Test
  void findsServiceLoadedConnectorsUnderLib(@TempDir Path dir) throws Exception {
    TestPlugins.writeJar(dir.resolve("lib/nested/plugin.jar"), true);
    LoadedPlugin plugin = PluginLoader.load(dir, getClass().getClassLoader());
    assertEquals(dir.getFileName().toString(), plugin.name());
    assertEquals("", plugin.version());
    // The missing class the service file names is logged and skipped.
    assertEquals(List.of(TestPlugins.SOURCE, TestPlugins.SINK), names(plugin));
    ConnectorPlugin source = plugin.find("GreetingSource");
    assertEquals(TestPlugins.SOURCE, source.className());
    assertEquals(TaskCatalog.Kind.SOURCE, source.kind());
    assertEquals(List.of("GreetingSource", "GreetingSourceConnector"), source.aliases());
    assertSame(plugin.loader(), source.connectorClass().getClassLoader());
    assertEquals(TaskCatalog.Kind.SINK, plugin.find("ShySinkConnector").kind());
    assertNull(plugin.find("NoSuch"));
  }

  @Test
  void scansTheJarsWithoutServiceFiles(@TempDir Path dir) throws Exception {
    TestPlugins.writeJar(dir.resolve("plugin.jar"), false);
    LoadedPlugin plugin = PluginLoader.load(dir, getClass().getClassLoader());
    // The abstract connector is not offered.
    assertEquals(List.of(TestPlugins.SOURCE, TestPlugins.SINK), names(plugin));
  }

  @Test
  void theManifestNamesTheConnectors(@TempDir Path dir) throws Exception {
    TestPlugins.writeJar(dir.resolve("plugin.jar"), true);
    Files.writeString(
        dir.resolve("sluice-plugin.json"),
        "{\"name\": \"greetings\", \"version\": \"7\", \"runtime\": \"exec\", \"command\": [\"java\"],"
            + " \"connectors\": [\"" + TestPlugins.SINK + "\", \"no.Such\","
            + " \"dev.sluice.jvm.testplugin.AbstractGreetingConnector\"]}",
        StandardCharsets.UTF_8);
    LoadedPlugin plugin = PluginLoader.load(dir, getClass().getClassLoader());
    assertEquals("greetings", plugin.name());
    assertEquals("7", plugin.version());
    assertEquals(List.of(TestPlugins.SINK), names(plugin));
  }

  @Test
  void aSingleJarIsAPlugin(@TempDir Path dir) throws Exception {
    Path jar = TestPlugins.writeJar(dir.resolve("greetings-1.0.jar"), true);
    LoadedPlugin plugin = PluginLoader.load(jar, getClass().getClassLoader());
    assertEquals("greetings-1.0", plugin.name());
    assertEquals(2, plugin.connectors().size());
  }

  @Test
  void setupFailsWithoutJarsOrWithABadManifest(@TempDir Path dir) throws Exception {
    PluginLoader.SetupException none =
        assertThrows(
            PluginLoader.SetupException.class,
            () -> PluginLoader.load(dir, getClass().getClassLoader()));
    assertTrue(none.getMessage().contains("holds no jar"), none.getMessage());
    assertThrows(
        PluginLoader.SetupException.class,
        () -> PluginLoader.load(dir.resolve("missing"), getClass().getClassLoader()));
    TestPlugins.writeJar(dir.resolve("plugin.jar"), true);
    Files.writeString(dir.resolve("sluice-plugin.json"), "{\"connectors\": 3}");
    assertThrows(
        PluginLoader.SetupException.class,
        () -> PluginLoader.load(dir, getClass().getClassLoader()));
  }

  @Test
  void aliasesAsKafkaConnectComputesThem() {
    assertEquals("FileStreamSource", PluginLoader.prunedName("FileStreamSourceConnector"));
    assertEquals("Connector", PluginLoader.prunedName("Connector"));
    assertEquals("ConnectorThing", PluginLoader.prunedName("ConnectorThing"));
    assertEquals("MyConnectorV2", PluginLoader.prunedName("MyConnectorV2Connector"));
    assertEquals("My", PluginLoader.prunedName("MyConnectorV2"));
    Map<String, List<String>> aliases =
        PluginLoader.computeAliases(
            List.of(A.FooConnector.class, B.FooConnector.class, A.Bar.class, B.BarConnector.class));
    // Two classes named FooConnector: neither alias survives.
    assertEquals(List.of(), aliases.get(A.FooConnector.class.getName()));
    assertEquals(List.of(), aliases.get(B.FooConnector.class.getName()));
    // Bar (simple name) and Bar (BarConnector pruned) collide; BarConnector stays for B's.
    assertEquals(List.of(), aliases.get(A.Bar.class.getName()));
    assertEquals(List.of("BarConnector"), aliases.get(B.BarConnector.class.getName()));
  }

  @Test
  void theTaskCatalogFindsTaskClasses(@TempDir Path dir) throws Exception {
    TestPlugins.writeJar(dir.resolve("plugin.jar"), true);
    LoadedPlugin plugin = PluginLoader.load(dir, getClass().getClassLoader());
    TaskCatalog.Kind source = TaskCatalog.Kind.SOURCE;
    TaskCatalog.Kind sink = TaskCatalog.Kind.SINK;
    assertEquals(
        "dev.sluice.jvm.testplugin.GreetingSourceTask",
        plugin.taskClass(Map.of("connector.class", "GreetingSource"), source).getName());
    assertEquals(
        "dev.sluice.jvm.testplugin.ShySinkTask", plugin.taskClass(Map.of(), sink).getName());
    assertSame(
        plugin.loader(),
        plugin
            .taskClass(Map.of("task.class", "dev.sluice.jvm.testplugin.ShySinkTask"), sink)
            .getClassLoader());
    assertSame(plugin.loader(), plugin.loaderOf(plugin.taskClass(Map.of(), source)));
    ConnectException wrongKind =
        assertThrows(
            ConnectException.class,
            () -> plugin.taskClass(Map.of("connector.class", TestPlugins.SINK), source));
    assertTrue(wrongKind.getMessage().contains("is a sink connector"), wrongKind.getMessage());
    assertThrows(
        ConnectException.class,
        () -> plugin.taskClass(Map.of("task.class", "dev.sluice.jvm.testplugin.ShySinkTask"), source));
    assertThrows(
        ConnectException.class, () -> plugin.taskClass(Map.of("task.class", "no.Such"), source));
    assertThrows(
        ConnectException.class,
        () -> plugin.taskClass(Map.of("connector.class", "NoSuch"), source));
  }

  static final class A {
    public abstract static class FooConnector {}

    public abstract static class Bar {}
  }

  static final class B {
    public abstract static class FooConnector {}

    public abstract static class BarConnector {}
  }
}

package dev.sluice.jvm.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginClassLoaderTest {
  @Test
  void platformClassesComeFromTheHost() {
    for (String name :
        List.of(
            "java.lang.String",
            "javax.sql.DataSource",
            "javax.ws.rs.core.Response",
            "javax.security.auth.message.AuthStatus",
            "org.w3c.dom.Node",
            "org.xml.sax.Parser",
            "org.omg.CORBA.ORB",
            "org.slf4j.Logger",
            "org.apache.kafka.connect.source.SourceConnector",
            "org.apache.kafka.connect.data.Struct",
            "org.apache.kafka.connect.storage.Converter",
            "org.apache.kafka.connect.transforms.Transformation",
            "org.apache.kafka.connect.transforms.predicates.Predicate",
            "org.apache.kafka.common.config.ConfigDef",
            "org.apache.kafka.common.config.provider.ConfigProvider",
            "org.apache.kafka.clients.producer.KafkaProducer",
            "org.apache.kafka.connect.connector.policy.ConnectorClientConfigOverridePolicy",
            "org.apache.kafka.connect.connector.policy.ConnectorClientConfigRequest",
            "org.apache.kafka.connect.connector.policy.ConnectorClientConfigRequest$ClientType")) {
      assertFalse(PluginClassLoader.shouldLoadInIsolation(name), name);
    }
  }

  @Test
  void pluginClassesAndKafkaPluginImplementationsComeFromThePlugin() {
    for (String name :
        List.of(
            "io.debezium.connector.postgresql.PostgresConnector",
            "com.google.protobuf.Message",
            "io.grpc.Server",
            "javax.money.MonetaryAmount",
            "javaxx.Thing",
            "org.apache.kafka.connect.transforms.Cast",
            "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
            "org.apache.kafka.connect.json.JsonConverter",
            "org.apache.kafka.connect.file.FileStreamSourceConnector",
            "org.apache.kafka.connect.mirror.MirrorSourceConnector",
            "org.apache.kafka.connect.converters.ByteArrayConverter",
            "org.apache.kafka.connect.storage.StringConverter",
            "org.apache.kafka.connect.storage.SimpleHeaderConverter",
            "org.apache.kafka.common.config.provider.FileConfigProvider",
            "org.apache.kafka.connect.connector.policy.AllConnectorClientConfigOverridePolicy",
            "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension")) {
      assertTrue(PluginClassLoader.shouldLoadInIsolation(name), name);
    }
  }

  @Test
  void loadsChildFirstExceptPlatformClasses(@TempDir Path dir) throws Exception {
    Path jar = TestPlugins.writeJar(dir.resolve("plugin.jar"), true);
    ClassLoader host = getClass().getClassLoader();
    try (PluginClassLoader loader =
        new PluginClassLoader(dir, List.of(jar.toUri().toURL()), host)) {
      // The test classes are on the host's class path too: the plugin's copy wins.
      Class<?> own = loader.loadClass(TestPlugins.SOURCE);
      assertSame(loader, own.getClassLoader());
      assertFalse(own == Class.forName(TestPlugins.SOURCE, false, host));
      // The Connect API is the host's, so the plugin's connector is a host SourceConnector.
      assertSame(
          org.apache.kafka.connect.source.SourceConnector.class,
          loader.loadClass("org.apache.kafka.connect.source.SourceConnector"));
      assertTrue(org.apache.kafka.connect.source.SourceConnector.class.isAssignableFrom(own));
      // A class the plugin lacks comes from the host.
      assertSame(PluginClassLoaderTest.class, loader.loadClass(PluginClassLoaderTest.class.getName()));
      // Resources: the plugin's first, then the host's.
      String service = "META-INF/services/org.apache.kafka.connect.source.SourceConnector";
      URL first = loader.getResource(service);
      assertNotNull(first);
      assertTrue(first.toString().contains("plugin.jar"), first.toString());
      List<URL> all = Collections.list(loader.getResources(service));
      assertTrue(all.get(0).toString().contains("plugin.jar"));
      assertEquals(
          Collections.list(host.getResources(service)).size() + 1, all.size(), all.toString());
    }
  }
}

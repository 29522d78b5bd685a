package dev.sluice.jvm.host;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The class loader of one plugin (its jars), child-first as Kafka Connect's
 * {@code PluginClassLoader}: a class that {@link #shouldLoadInIsolation} is looked for in the
 * plugin's jars first, then in the host (the parent); the JDK's, SLF4J's and the Connect/Kafka
 * API classes come from the host first, so that the plugin and the host agree on them. Resources
 * are child-first, as in Kafka Connect: the plugin's own, then the host's.
 *
 * <p>Thread-safety: thread-safe (parallel capable).
 */
public final class PluginClassLoader extends URLClassLoader {
  static {
    ClassLoader.registerAsParallelCapable();
  }

  // Kafka Connect's rule (PluginUtils in connect-runtime 3.9), in our words: these packages
  // belong to the platform (the JDK, Java EE APIs the worker ships, SLF4J, Kafka)...
  private static final Pattern PLATFORM =
      Pattern.compile(
          "^(?:java"
              + "|javax\\.(?:accessibility|activation|activity|annotation"
              + "|batch\\.(?:api|operations|runtime)|crypto|decorator|ejb|el"
              + "|enterprise\\.(?:concurrent|context|context\\.spi|deploy\\.(?:model|shared|spi)"
              + "|event|inject|inject\\.spi|util)"
              + "|faces|imageio|inject|interceptor|jms|json|jws|lang\\.model|mail|management"
              + "|management\\.j2ee|naming|net|persistence|print|resource|rmi|script"
              + "|security\\.(?:auth|auth\\.message|cert|jacc|sasl)|servlet"
              + "|sound\\.(?:midi|sampled)|sql|swing|tools|transaction|validation|websocket"
              + "|ws\\.rs|xml|xml\\.(?:bind|registry|rpc|soap|ws))"
              + "|org\\.ietf\\.jgss"
              + "|org\\.omg\\.(?:CORBA|CosNaming|Dynamic|DynamicAny|IOP|Messaging"
              + "|PortableInterceptor|PortableServer|SendingContext|stub\\.java\\.rmi)"
              + "|org\\.w3c\\.dom|org\\.xml\\.sax|org\\.apache\\.kafka|org\\.slf4j"
              + ")\\..*$");

  // ...except Kafka's own plugin implementations, which a plugin may bundle in another version:
  // transforms (not the Transformation and Predicate interfaces), converters, the file, json and
  // mirror connectors, the REST extension, client-config override policies (not their API) and
  // config providers (not the ConfigProvider interface).
  private static final Pattern KAFKA_PLUGIN_IMPLEMENTATIONS =
      Pattern.compile(
          "^org\\.apache\\.kafka\\.(?:connect\\.(?:"
              + "transforms\\.(?!Transformation|predicates\\.Predicate$).*"
              + "|json\\..*|file\\..*|mirror\\..*|mirror-client\\..*|converters\\..*"
              + "|storage\\.StringConverter|storage\\.SimpleHeaderConverter"
              + "|rest\\.basic\\.auth\\.extension\\.BasicAuthSecurityRestExtension"
              + "|connector\\.policy\\.(?!ConnectorClientConfig"
              + "(?:OverridePolicy|Request(?:\\$ClientType)?)$).*"
              + ")|common\\.config\\.provider\\.(?!ConfigProvider$).*)$");

  private final Path location;

  public PluginClassLoader(Path location, List<URL> jars, ClassLoader parent) {
    super("plugin:" + location.getFileName(), jars.toArray(new URL[0]), parent);
    this.location = location;
  }

  /** The plugin directory (or single jar) this loader loads. */
  public Path location() {
    return location;
  }

  /**
   * Whether the class {@code name} is looked for in the plugin's jars before the host: everything
   * but the platform's packages, and Kafka's own plugin implementations even there.
   */
  public static boolean shouldLoadInIsolation(String name) {
    return !(PLATFORM.matcher(name).matches()
        && !KAFKA_PLUGIN_IMPLEMENTATIONS.matcher(name).matches());
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(name)) {
      Class<?> loaded = findLoadedClass(name);
      if (loaded == null) {
        if (shouldLoadInIsolation(name)) {
          try {
            loaded = findClass(name);
          } catch (ClassNotFoundException e) {
            // Not in the plugin's jars: the host's, below.
          }
        }
        if (loaded == null) loaded = super.loadClass(name, false);
      }
      if (resolve) resolveClass(loaded);
      return loaded;
    }
  }

  @Override
  public URL getResource(String name) {
    Objects.requireNonNull(name);
    URL url = findResource(name);
    return url != null ? url : super.getResource(name);
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    Objects.requireNonNull(name);
    List<URL> urls = new ArrayList<>();
    for (Enumeration<URL> own = findResources(name); own.hasMoreElements(); ) {
      URL url = own.nextElement();
      if (url != null) urls.add(url);
    }
    ClassLoader parent = getParent();
    if (parent != null) {
      for (Enumeration<URL> inherited = parent.getResources(name);
          inherited.hasMoreElements(); ) {
        URL url = inherited.nextElement();
        if (url != null) urls.add(url);
      }
    }
    return Collections.enumeration(urls);
  }

  @Override
  public String toString() {
    return "PluginClassLoader{" + location + "}";
  }
}

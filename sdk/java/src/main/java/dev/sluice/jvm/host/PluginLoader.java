package dev.sluice.jvm.host;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a Kafka Connect plugin: a directory of jars (directly or under lib/, found recursively)
 * with an optional {@code sluice-plugin.json}, or a single (uber) jar. One {@link
 * PluginClassLoader} over all the jars. The connector classes are, in this order of preference:
 * the manifest's {@code "connectors"} list; those registered in META-INF/services for
 * SourceConnector and SinkConnector (as Kafka Connect 3.6+ finds them); a scan of the jars' class
 * files for concrete public Connector classes (Kafka Connect's reflective scan). A class that
 * fails to load is logged and skipped.
 */
public final class PluginLoader {
  private static final Logger log = LoggerFactory.getLogger(PluginLoader.class);

  /** The manifest file a plugin directory may hold. */
  public static final String MANIFEST = "sluice-plugin.json";

  private PluginLoader() {}

  /** Setting up a plugin failed (no jars, unreadable directory, malformed manifest). */
  public static final class SetupException extends Exception {
    private static final long serialVersionUID = 1L;

    SetupException(String message) {
      super(message);
    }

    SetupException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Opens the plugin at {@code location} (a directory or a jar): its jars, its manifest and its
   * class loader. The connector classes are found later, on first use ({@link
   * LoadedPlugin#connectors()}).
   */
  public static LoadedPlugin load(Path location, ClassLoader parent) throws SetupException {
    Path root = location.toAbsolutePath().normalize();
    if (!Files.exists(root)) throw new SetupException("plugin path " + root + " does not exist");
    List<Path> jars;
    JsonObject manifest = null;
    if (Files.isDirectory(root)) {
      if (!Files.isReadable(root)) {
        throw new SetupException("plugin directory " + root + " is not readable");
      }
      jars = findJars(root);
      Path manifestFile = root.resolve(MANIFEST);
      if (Files.isRegularFile(manifestFile)) manifest = readManifest(manifestFile);
    } else if (isArchive(root)) {
      if (!Files.isReadable(root)) throw new SetupException("plugin jar " + root + " is not readable");
      jars = List.of(root);
    } else {
      throw new SetupException("plugin path " + root + " is neither a directory nor a jar");
    }
    if (jars.isEmpty()) {
      throw new SetupException("plugin directory " + root + " holds no jar (*.jar, *.zip) files");
    }
    String dirName = root.getFileName() == null ? "plugin" : root.getFileName().toString();
    if (!Files.isDirectory(root)) dirName = dirName.replaceFirst("(?i)\\.(jar|zip)$", "");
    String name = manifestString(manifest, "name", dirName);
    String version = manifestString(manifest, "version", "");
    List<String> listed = manifestConnectors(manifest);
    List<URL> urls = new ArrayList<>();
    for (Path jar : jars) {
      try {
        urls.add(jar.toUri().toURL());
      } catch (IOException e) {
        throw new SetupException("bad jar path " + jar + ": " + e.getMessage(), e);
      }
    }
    PluginClassLoader loader = new PluginClassLoader(root, urls, parent);
    log.info("plugin {} {}: {} jar(s) in {}", name, version, jars.size(), root);
    return new LoadedPlugin(name, version, loader, jars, listed);
  }

  static boolean isArchive(Path path) {
    String name = path.toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".jar") || name.endsWith(".zip");
  }

  /** Every jar (or zip) under {@code root}, following symbolic links, in path order. */
  static List<Path> findJars(Path root) throws SetupException {
    try (Stream<Path> files = Files.walk(root, FileVisitOption.FOLLOW_LINKS)) {
      return files
          .filter(p -> isArchive(p) && Files.isRegularFile(p))
          .map(Path::toAbsolutePath)
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException | RuntimeException e) {
      throw new SetupException("cannot list plugin directory " + root + ": " + e.getMessage(), e);
    }
  }

  private static JsonObject readManifest(Path file) throws SetupException {
    try {
      JsonElement parsed = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
      if (!parsed.isJsonObject()) throw new SetupException(file + ": not a JSON object");
      return parsed.getAsJsonObject();
    } catch (IOException e) {
      throw new SetupException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (JsonParseException e) {
      throw new SetupException(file + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static String manifestString(JsonObject manifest, String key, String fallback)
      throws SetupException {
    if (manifest == null || !manifest.has(key) || manifest.get(key).isJsonNull()) return fallback;
    JsonElement value = manifest.get(key);
    if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
      throw new SetupException(MANIFEST + ": \"" + key + "\" must be a string");
    }
    String text = value.getAsString();
    return text.isEmpty() ? fallback : text;
  }

  private static List<String> manifestConnectors(JsonObject manifest) throws SetupException {
    if (manifest == null || !manifest.has("connectors")) return List.of();
    JsonElement value = manifest.get("connectors");
    if (!value.isJsonArray()) {
      throw new SetupException(MANIFEST + ": \"connectors\" must be an array of class names");
    }
    List<String> names = new ArrayList<>();
    for (JsonElement e : (JsonArray) value) {
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
        throw new SetupException(MANIFEST + ": \"connectors\" must be an array of class names");
      }
      names.add(e.getAsString());
    }
    return names;
  }

  // ---- discovery ---------------------------------------------------------------------------

  /** Finds the connector classes of a plugin (see the class comment) and computes aliases. */
  static List<ConnectorPlugin> discover(
      PluginClassLoader loader, List<Path> jars, List<String> listed) {
    Set<Class<? extends Connector>> classes = new LinkedHashSet<>();
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(loader);
    try {
      if (!listed.isEmpty()) {
        for (String name : listed) {
          Class<? extends Connector> c = loadConnector(loader, name, true);
          if (c != null) classes.add(c);
        }
      } else {
        serviceLoaded(loader, SourceConnector.class, classes);
        serviceLoaded(loader, SinkConnector.class, classes);
        if (classes.isEmpty()) scanJars(loader, jars, classes);
      }
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
    List<Class<? extends Connector>> sorted = new ArrayList<>(classes);
    sorted.sort((a, b) -> a.getName().compareTo(b.getName()));
    Map<String, List<String>> aliases = computeAliases(sorted);
    List<ConnectorPlugin> plugins = new ArrayList<>();
    for (Class<? extends Connector> c : sorted) {
      plugins.add(new ConnectorPlugin(c, aliases.getOrDefault(c.getName(), List.of())));
    }
    return plugins;
  }

  private static <T extends Connector> void serviceLoaded(
      PluginClassLoader loader, Class<T> service, Set<Class<? extends Connector>> out) {
    Iterator<T> it = ServiceLoader.load(service, loader).iterator();
    // Each failing provider is skipped; ServiceLoader moves on to the next one (bounded, in case
    // a broken provider file made it repeat an error).
    for (int errors = 0; errors < 1000; ) {
      try {
        if (!it.hasNext()) return;
        T connector = it.next();
        Class<? extends Connector> c = connector.getClass();
        // A class the host's own class path provides (the parent's) is not this plugin's.
        if (c.getClassLoader() != loader) continue;
        out.add(c);
      } catch (ServiceConfigurationError | LinkageError e) {
        errors++;
        log.error("Failed to discover a {} in {}: {}", service.getSimpleName(), loader.location(),
            e.toString(), e);
      }
    }
  }

  private static void scanJars(
      PluginClassLoader loader, List<Path> jars, Set<Class<? extends Connector>> out) {
    for (Path jar : jars) {
      try (JarFile file = new JarFile(jar.toFile())) {
        for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
          String entry = entries.nextElement().getName();
          if (!entry.endsWith(".class") || entry.startsWith("META-INF/")) continue;
          if (entry.endsWith("module-info.class") || entry.endsWith("package-info.class")) {
            continue;
          }
          String name = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
          if (!PluginClassLoader.shouldLoadInIsolation(name)) continue;
          Class<? extends Connector> c = loadConnector(loader, name, false);
          if (c != null) out.add(c);
        }
      } catch (IOException e) {
        log.error("Cannot scan {} for connector classes: {}", jar, e.toString());
      }
    }
  }

  /**
   * Loads {@code name} through the plugin's loader and returns it if it is a concrete public
   * Connector class of this plugin with a public no-argument constructor; else null (logged when
   * {@code loud}, i.e. the class was named explicitly).
   */
  static Class<? extends Connector> loadConnector(
      PluginClassLoader loader, String name, boolean loud) {
    Class<?> c;
    try {
      c = Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      if (loud) {
        log.error("Connector class {} cannot be loaded from {}: {}", name, loader.location(),
            e.toString());
      } else {
        log.debug("Skipping class {} in {}: {}", name, loader.location(), e.toString());
      }
      return null;
    }
    String problem = null;
    int modifiers = c.getModifiers();
    if (!Connector.class.isAssignableFrom(c)) {
      problem = "is not a Kafka Connect Connector";
    } else if (!SourceConnector.class.isAssignableFrom(c)
        && !SinkConnector.class.isAssignableFrom(c)) {
      problem = "is neither a SourceConnector nor a SinkConnector";
    } else if (Modifier.isAbstract(modifiers) || Modifier.isInterface(modifiers)) {
      problem = "is abstract";
    } else if (!Modifier.isPublic(modifiers)) {
      problem = "is not public";
    } else if (!hasPublicNoArgConstructor(c)) {
      problem = "has no public no-argument constructor";
    } else if (c.getClassLoader() != loader) {
      problem = "comes from the host, not the plugin";
    }
    if (problem != null) {
      if (loud) log.error("Connector class {} {}; skipped", name, problem);
      return null;
    }
    return c.asSubclass(Connector.class);
  }

  private static boolean hasPublicNoArgConstructor(Class<?> c) {
    try {
      return Modifier.isPublic(c.getConstructor().getModifiers());
    } catch (NoSuchMethodException | LinkageError | SecurityException e) {
      return false;
    }
  }

  /**
   * Kafka Connect's aliases (PluginUtils.computeAliases): a class's simple name, and the simple
   * name without its last "Connector" (when that is not at the start); an alias two classes share
   * names neither. Returns class name -> aliases (pruned name first, without duplicates).
   */
  public static Map<String, List<String>> computeAliases(
      List<? extends Class<?>> connectorClasses) {
    Map<String, Set<String>> claims = new HashMap<>();
    for (Class<?> c : connectorClasses) {
      claims.computeIfAbsent(prunedName(c.getSimpleName()), k -> new LinkedHashSet<>()).add(c.getName());
      claims.computeIfAbsent(c.getSimpleName(), k -> new LinkedHashSet<>()).add(c.getName());
    }
    Map<String, List<String>> aliases = new LinkedHashMap<>();
    for (Class<?> c : connectorClasses) {
      List<String> own = new ArrayList<>();
      for (String alias : List.of(prunedName(c.getSimpleName()), c.getSimpleName())) {
        if (claims.get(alias).size() == 1 && !own.contains(alias) && !alias.isEmpty()) {
          own.add(alias);
        } else if (claims.get(alias).size() > 1) {
          log.debug("Ignoring ambiguous alias '{}' since it refers to multiple distinct plugins {}",
              alias, claims.get(alias));
        }
      }
      aliases.put(c.getName(), own);
    }
    return aliases;
  }

  /** The simple name without its last "Connector" (Kafka Connect's prunedName). */
  public static String prunedName(String simpleName) {
    int pos = simpleName.lastIndexOf("Connector");
    return pos > 0 ? simpleName.substring(0, pos) : simpleName;
  }
}

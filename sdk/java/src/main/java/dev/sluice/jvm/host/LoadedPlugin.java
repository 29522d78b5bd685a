package dev.sluice.jvm.host;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkTask;
import org.apache.kafka.connect.source.SourceTask;

/**
 * A plugin opened by {@link PluginLoader}: its name, version, class loader and connector classes
 * (found once, on first use). Also the {@link TaskCatalog} the task streams use.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class LoadedPlugin implements TaskCatalog {
  private final String name;
  private final String version;
  private final PluginClassLoader loader;
  private final List<Path> jars;
  private final List<String> listedConnectors;
  private volatile List<ConnectorPlugin> connectors;

  LoadedPlugin(
      String name,
      String version,
      PluginClassLoader loader,
      List<Path> jars,
      List<String> listedConnectors) {
    this.name = name;
    this.version = version;
    this.loader = loader;
    this.jars = List.copyOf(jars);
    this.listedConnectors = List.copyOf(listedConnectors);
  }

  /** The manifest's name, else the directory's (or jar's) name. */
  public String name() {
    return name;
  }

  /** The manifest's version, else empty. */
  public String version() {
    return version;
  }

  public PluginClassLoader loader() {
    return loader;
  }

  public List<Path> jars() {
    return jars;
  }

  /** The plugin's connector classes, sorted by name (discovered on the first call). */
  public List<ConnectorPlugin> connectors() {
    List<ConnectorPlugin> found = connectors;
    if (found == null) {
      synchronized (this) {
        found = connectors;
        if (found == null) {
          found = List.copyOf(PluginLoader.discover(loader, jars, listedConnectors));
          connectors = found;
        }
      }
    }
    return found;
  }

  /** The connector class named {@code className} (its class name or an alias), or null. */
  public ConnectorPlugin find(String className) {
    for (ConnectorPlugin c : connectors()) {
      if (c.className().equals(className)) return c;
    }
    for (ConnectorPlugin c : connectors()) {
      if (c.isNamed(className)) return c;
    }
    return null;
  }

  /** Runs plugin code with the plugin's loader as the thread's context class loader. */
  public <T> T call(Callable<T> code) throws Exception {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      return code.call();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /** A new instance of {@code c}, created with the plugin's context class loader. */
  public Connector newConnector(ConnectorPlugin c) throws Exception {
    return call(() -> c.connectorClass().getDeclaredConstructor().newInstance());
  }

  @Override
  public Class<? extends Task> taskClass(Map<String, String> config, Kind kind) {
    String taskClass = config.get("task.class");
    if (taskClass != null) {
      Class<?> c;
      try {
        c = Class.forName(taskClass, false, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        throw new ConnectException(
            "Task class " + taskClass + " is not provided by plugin " + name, e);
      }
      return checkTaskClass(c, kind, taskClass);
    }
    ConnectorPlugin connector;
    String connectorClass = config.get("connector.class");
    if (connectorClass != null) {
      connector = find(connectorClass);
      if (connector == null) {
        throw new ConnectException(
            "Connector class " + connectorClass + " is not provided by plugin " + name);
      }
    } else {
      connector = null;
      for (ConnectorPlugin c : connectors()) {
        if (c.kind() != kind) continue;
        if (connector != null) {
          throw new ConnectException(
              "The task config names neither task.class nor connector.class, and the plugin "
                  + "provides several connector classes");
        }
        connector = c;
      }
      if (connector == null) {
        throw new ConnectException(
            "Plugin " + name + " provides no " + (kind == Kind.SOURCE ? "source" : "sink")
                + " connector");
      }
    }
    if (connector.kind() != kind) {
      throw new ConnectException(
          connector.className() + " is a " + kindName(connector.kind())
              + " connector; its tasks need the "
              + (connector.kind() == Kind.SOURCE ? "SourceTask" : "SinkTask") + " stream");
    }
    Class<? extends Task> found;
    try {
      Connector instance = newConnector(connector);
      found = call(instance::taskClass);
    } catch (Exception e) {
      throw new ConnectException(
          "Cannot get the task class of " + connector.className() + ": " + e.getMessage(), e);
    }
    if (found == null) {
      throw new ConnectException(connector.className() + ".taskClass() returned null");
    }
    return checkTaskClass(found, kind, found.getName());
  }

  private static Class<? extends Task> checkTaskClass(Class<?> c, Kind kind, String name) {
    Class<?> wanted = kind == Kind.SOURCE ? SourceTask.class : SinkTask.class;
    if (!wanted.isAssignableFrom(c)) {
      Class<?> other = kind == Kind.SOURCE ? SinkTask.class : SourceTask.class;
      if (other.isAssignableFrom(c)) {
        throw new ConnectException(
            name + " is a " + (kind == Kind.SOURCE ? "sink" : "source") + " task; it needs the "
                + (kind == Kind.SOURCE ? "SinkTask" : "SourceTask") + " stream");
      }
      throw new ConnectException(name + " is not a " + wanted.getSimpleName());
    }
    return c.asSubclass(Task.class);
  }

  private static String kindName(Kind kind) {
    return kind == Kind.SOURCE ? "source" : "sink";
  }

  @Override
  public ClassLoader loaderOf(Class<?> pluginClass) {
    return loader;
  }
}

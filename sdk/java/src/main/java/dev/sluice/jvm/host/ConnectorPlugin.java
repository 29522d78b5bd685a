package dev.sluice.jvm.host;

import java.util.List;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.sink.SinkConnector;

/** One connector class a plugin provides, with the aliases that name it. Immutable. */
public final class ConnectorPlugin {
  private final Class<? extends Connector> connectorClass;
  private final TaskCatalog.Kind kind;
  private final List<String> aliases;

  ConnectorPlugin(Class<? extends Connector> connectorClass, List<String> aliases) {
    this.connectorClass = connectorClass;
    this.kind =
        SinkConnector.class.isAssignableFrom(connectorClass)
            ? TaskCatalog.Kind.SINK
            : TaskCatalog.Kind.SOURCE;
    this.aliases = List.copyOf(aliases);
  }

  public Class<? extends Connector> connectorClass() {
    return connectorClass;
  }

  public String className() {
    return connectorClass.getName();
  }

  public TaskCatalog.Kind kind() {
    return kind;
  }

  /** Kafka Connect's aliases: the pruned simple name, then the simple name (unambiguous only). */
  public List<String> aliases() {
    return aliases;
  }

  /** Whether {@code name} is this class's name or one of its aliases. */
  public boolean isNamed(String name) {
    return className().equals(name) || aliases.contains(name);
  }
}

package dev.sluice.jvm.host;

import dev.sluice.plugin.v1.ConfigKeyDefinition;
import dev.sluice.plugin.v1.ConfigValueResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's ConfigDef and ConfigValue as the protocol carries them, shown the way Kafka Connect's
 * REST API shows them (defaults and values through {@link ConfigDef#convertToString}).
 */
public final class ConfigDefs {
  private static final Logger log = LoggerFactory.getLogger(ConfigDefs.class);

  private ConfigDefs() {}

  /** Every key of {@code def}, in its order. */
  public static List<ConfigKeyDefinition> keysToProto(ConfigDef def) {
    List<ConfigKeyDefinition> out = new ArrayList<>();
    if (def == null) return out;
    for (ConfigDef.ConfigKey key : def.configKeys().values()) out.add(keyToProto(key));
    return out;
  }

  /** One key: type, default (unset = required, null_default), docs, group, recommendations. */
  public static ConfigKeyDefinition keyToProto(ConfigDef.ConfigKey key) {
    ConfigKeyDefinition.Builder out =
        ConfigKeyDefinition.newBuilder()
            .setName(key.name)
            .setType(typeToProto(key.type))
            .setImportance(importanceToProto(key.importance))
            .setDocumentation(key.documentation == null ? "" : key.documentation)
            .setOrderInGroup(key.group == null ? -1 : key.orderInGroup)
            .setWidth(widthToProto(key.width))
            .setDisplayName(
                key.displayName == null || key.displayName.isEmpty() ? key.name : key.displayName)
            .setValidator(key.validator == null ? "" : String.valueOf(key.validator));
    if (key.hasDefault()) {
      String text = ConfigDef.convertToString(key.defaultValue, key.type);
      if (text == null) {
        out.setNullDefault(true);
      } else {
        out.setDefaultValue(text);
      }
    }
    if (key.group != null) out.setGroup(key.group);
    if (key.dependents != null) {
      for (String d : key.dependents) out.addDependents(d);
    }
    for (String r : recommendedValues(key)) out.addRecommendedValues(r);
    return out.build();
  }

  /** The values the key's recommender offers for an empty config, or none. */
  static List<String> recommendedValues(ConfigDef.ConfigKey key) {
    if (key.recommender == null) return List.of();
    List<Object> values;
    try {
      values = key.recommender.validValues(key.name, Collections.emptyMap());
    } catch (RuntimeException e) {
      // A recommender that needs other keys' values offers no fixed list.
      log.debug("The recommender of {} needs a config: {}", key.name, e.toString());
      return List.of();
    }
    if (values == null) return List.of();
    List<String> out = new ArrayList<>();
    ConfigDef.Type type = key.type == ConfigDef.Type.LIST ? ConfigDef.Type.STRING : key.type;
    for (Object v : values) {
      String text = ConfigDef.convertToString(v, type);
      if (text != null) out.add(text);
    }
    return out;
  }

  /**
   * Validation results in ConfigDef order (then any extra values the connector added, in its
   * order), as Kafka Connect's AbstractHerder lists them.
   */
  public static List<ConfigValueResult> valuesToProto(ConfigDef def, List<ConfigValue> values) {
    Map<String, ConfigDef.ConfigKey> keys = def == null ? Map.of() : def.configKeys();
    Map<String, ConfigValue> byName = new LinkedHashMap<>();
    for (ConfigValue v : values) {
      if (v != null) byName.putIfAbsent(v.name(), v);
    }
    List<ConfigValueResult> out = new ArrayList<>();
    for (String name : keys.keySet()) {
      ConfigValue v = byName.remove(name);
      if (v != null) out.add(valueToProto(v, keys.get(name).type));
    }
    for (ConfigValue v : byName.values()) out.add(valueToProto(v, null));
    return out;
  }

  /** One ConfigValue (AbstractHerder.convertConfigValue). */
  public static ConfigValueResult valueToProto(ConfigValue value, ConfigDef.Type type) {
    ConfigValueResult.Builder out =
        ConfigValueResult.newBuilder().setName(value.name()).setVisible(value.visible());
    String text = ConfigDef.convertToString(value.value(), type);
    if (text != null) out.setValue(text);
    ConfigDef.Type recommendedType = type == ConfigDef.Type.LIST ? ConfigDef.Type.STRING : type;
    if (value.recommendedValues() != null) {
      for (Object r : value.recommendedValues()) {
        String s = ConfigDef.convertToString(r, recommendedType);
        if (s != null) out.addRecommendedValues(s);
      }
    }
    if (value.errorMessages() != null) {
      for (String e : value.errorMessages()) out.addErrors(e == null ? "null" : e);
    }
    return out.build();
  }

  static ConfigKeyDefinition.Type typeToProto(ConfigDef.Type type) {
    if (type == null) return ConfigKeyDefinition.Type.TYPE_UNSPECIFIED;
    switch (type) {
      case BOOLEAN:
        return ConfigKeyDefinition.Type.TYPE_BOOLEAN;
      case STRING:
        return ConfigKeyDefinition.Type.TYPE_STRING;
      case INT:
        return ConfigKeyDefinition.Type.TYPE_INT;
      case SHORT:
        return ConfigKeyDefinition.Type.TYPE_SHORT;
      case LONG:
        return ConfigKeyDefinition.Type.TYPE_LONG;
      case DOUBLE:
        return ConfigKeyDefinition.Type.TYPE_DOUBLE;
      case LIST:
        return ConfigKeyDefinition.Type.TYPE_LIST;
      case CLASS:
        return ConfigKeyDefinition.Type.TYPE_CLASS;
      case PASSWORD:
        return ConfigKeyDefinition.Type.TYPE_PASSWORD;
      default:
        return ConfigKeyDefinition.Type.TYPE_UNSPECIFIED;
    }
  }

  static ConfigKeyDefinition.Importance importanceToProto(ConfigDef.Importance importance) {
    if (importance == null) return ConfigKeyDefinition.Importance.IMPORTANCE_UNSPECIFIED;
    switch (importance) {
      case HIGH:
        return ConfigKeyDefinition.Importance.IMPORTANCE_HIGH;
      case MEDIUM:
        return ConfigKeyDefinition.Importance.IMPORTANCE_MEDIUM;
      case LOW:
        return ConfigKeyDefinition.Importance.IMPORTANCE_LOW;
      default:
        return ConfigKeyDefinition.Importance.IMPORTANCE_UNSPECIFIED;
    }
  }

  static ConfigKeyDefinition.Width widthToProto(ConfigDef.Width width) {
    if (width == null) return ConfigKeyDefinition.Width.WIDTH_NONE;
    switch (width) {
      case SHORT:
        return ConfigKeyDefinition.Width.WIDTH_SHORT;
      case MEDIUM:
        return ConfigKeyDefinition.Width.WIDTH_MEDIUM;
      case LONG:
        return ConfigKeyDefinition.Width.WIDTH_LONG;
      default:
        return ConfigKeyDefinition.Width.WIDTH_NONE;
    }
  }
}

package dev.sluice.jvm.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.jvm.testplugin.GreetingSourceConnector;
import dev.sluice.plugin.v1.ConfigKeyDefinition;
import dev.sluice.plugin.v1.ConfigValueResult;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

class ConfigDefsTest {
  private static Map<String, ConfigKeyDefinition> keys(ConfigDef def) {
    return ConfigDefs.keysToProto(def).stream()
        .collect(Collectors.toMap(ConfigKeyDefinition::getName, k -> k));
  }

  @Test
  void mapsEveryKeyAsKafkaConnectShowsIt() {
    List<ConfigKeyDefinition> ordered = ConfigDefs.keysToProto(GreetingSourceConnector.CONFIG);
    assertEquals(
        List.of("topic", "greeting", "count", "names", "secret", "fail.start"),
        ordered.stream().map(ConfigKeyDefinition::getName).collect(Collectors.toList()));
    Map<String, ConfigKeyDefinition> keys = keys(GreetingSourceConnector.CONFIG);

    ConfigKeyDefinition topic = keys.get("topic");
    assertEquals(ConfigKeyDefinition.Type.TYPE_STRING, topic.getType());
    assertFalse(topic.hasDefaultValue(), "no default: required");
    assertFalse(topic.getNullDefault());
    assertEquals(ConfigKeyDefinition.Importance.IMPORTANCE_HIGH, topic.getImportance());
    assertEquals("Where greetings go", topic.getDocumentation());
    assertFalse(topic.hasGroup());
    assertEquals(-1, topic.getOrderInGroup());
    assertEquals(ConfigKeyDefinition.Width.WIDTH_NONE, topic.getWidth());
    assertEquals("topic", topic.getDisplayName());
    assertEquals("", topic.getValidator());

    ConfigKeyDefinition greeting = keys.get("greeting");
    assertEquals("hello", greeting.getDefaultValue());
    assertEquals("Greetings", greeting.getGroup());
    assertEquals(1, greeting.getOrderInGroup());
    assertEquals(ConfigKeyDefinition.Width.WIDTH_SHORT, greeting.getWidth());
    assertEquals("Greeting", greeting.getDisplayName());
    assertEquals(List.of("count"), greeting.getDependentsList());
    assertEquals("[hello, hi]", greeting.getValidator());
    assertEquals(List.of("hello", "hi"), greeting.getRecommendedValuesList());

    ConfigKeyDefinition count = keys.get("count");
    assertEquals(ConfigKeyDefinition.Type.TYPE_INT, count.getType());
    assertEquals("3", count.getDefaultValue());
    assertEquals("[1,...]", count.getValidator());
    assertEquals(ConfigKeyDefinition.Importance.IMPORTANCE_LOW, count.getImportance());
    assertEquals(2, count.getOrderInGroup());

    assertEquals("a,b", keys.get("names").getDefaultValue());
    assertEquals(ConfigKeyDefinition.Type.TYPE_LIST, keys.get("names").getType());

    ConfigKeyDefinition secret = keys.get("secret");
    assertEquals(ConfigKeyDefinition.Type.TYPE_PASSWORD, secret.getType());
    assertFalse(secret.hasDefaultValue());
    assertTrue(secret.getNullDefault());

    assertEquals("false", keys.get("fail.start").getDefaultValue());
  }

  @Test
  void classAndPasswordDefaultsShowAsKafkaConnectShowsThem() {
    ConfigDef def =
        new ConfigDef()
            .define("cls", ConfigDef.Type.CLASS, String.class, ConfigDef.Importance.LOW, "c")
            .define("pw", ConfigDef.Type.PASSWORD, "x", ConfigDef.Importance.LOW, "p")
            .define("d", ConfigDef.Type.DOUBLE, 1.5, ConfigDef.Importance.LOW, "d");
    Map<String, ConfigKeyDefinition> keys = keys(def);
    assertEquals("java.lang.String", keys.get("cls").getDefaultValue());
    assertEquals(ConfigKeyDefinition.Type.TYPE_CLASS, keys.get("cls").getType());
    assertEquals(new Password("x").toString(), keys.get("pw").getDefaultValue());
    assertEquals("1.5", keys.get("d").getDefaultValue());
  }

  @Test
  void valuesComeInConfigDefOrderThenTheExtraOnes() {
    ConfigDef def = GreetingSourceConnector.CONFIG;
    ConfigValue extra = new ConfigValue("extra", null, List.of(), List.of("bad"));
    List<ConfigValue> values = new java.util.ArrayList<>(def.validate(Map.of("count", "0")));
    java.util.Collections.reverse(values);
    values.add(0, extra);
    List<ConfigValueResult> out = ConfigDefs.valuesToProto(def, values);
    assertEquals(
        List.of("topic", "greeting", "count", "names", "secret", "fail.start", "extra"),
        out.stream().map(ConfigValueResult::getName).collect(Collectors.toList()));
    ConfigValueResult topic = out.get(0);
    assertFalse(topic.hasValue());
    assertEquals(1, topic.getErrorsCount());
    ConfigValueResult count = out.get(2);
    assertEquals("0", count.getValue());
    assertEquals(1, count.getErrorsCount());
    assertEquals(List.of("hello", "hi"), out.get(1).getRecommendedValuesList());
    assertEquals("a,b", out.get(3).getValue());
    assertTrue(out.get(3).getVisible());
    assertEquals(List.of("bad"), out.get(6).getErrorsList());
  }
}

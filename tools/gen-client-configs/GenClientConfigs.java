// Writes the C++ table of the Java Kafka clients' configuration definitions (ProducerConfig,
// ConsumerConfig and AdminClientConfig) that Sluice shows when it validates a connector's client
// overrides. Run by tools/gen-client-configs/generate against Apache Kafka's jars; the output is
// committed as server/kafka/java_client_configs.inc.
//
// Everything written is read from the jars at run time: key names, types, defaults (as
// ConfigDef.convertToString prints them), importance, documentation and the group, order,
// width and display name of each key.

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.utils.AppInfoParser;

public final class GenClientConfigs {
    private GenClientConfigs() {}

    // A C++ string literal for `s` (null -> nullptr). Non-ASCII bytes of its UTF-8 form become
    // octal escapes, which never run into the characters that follow.
    static String literal(String s) {
        if (s == null) {
            return "nullptr";
        }
        StringBuilder out = new StringBuilder("\"");
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c == '"') {
                out.append("\\\"");
            } else if (c == '\\') {
                out.append("\\\\");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < 0x20 || c >= 0x7f || c == '?') {
                // '?' too, so that no trigraph can form.
                out.append(String.format("\\%03o", c));
            } else {
                out.append((char) c);
            }
        }
        return out.append('"').toString();
    }

    static String cppType(ConfigDef.Type type) {
        switch (type) {
            case BOOLEAN: return "ConfigType::kBoolean";
            case STRING: return "ConfigType::kString";
            case INT: return "ConfigType::kInt";
            case SHORT: return "ConfigType::kShort";
            case LONG: return "ConfigType::kLong";
            case DOUBLE: return "ConfigType::kDouble";
            case LIST: return "ConfigType::kList";
            case CLASS: return "ConfigType::kClass";
            case PASSWORD: return "ConfigType::kPassword";
            default: throw new IllegalStateException("unknown type " + type);
        }
    }

    static String cppImportance(ConfigDef.Importance importance) {
        switch (importance) {
            case HIGH: return "ConfigImportance::kHigh";
            case MEDIUM: return "ConfigImportance::kMedium";
            case LOW: return "ConfigImportance::kLow";
            default: throw new IllegalStateException("unknown importance " + importance);
        }
    }

    static String cppWidth(ConfigDef.Width width) {
        switch (width) {
            case NONE: return "ConfigWidth::kNone";
            case SHORT: return "ConfigWidth::kShort";
            case MEDIUM: return "ConfigWidth::kMedium";
            case LONG: return "ConfigWidth::kLong";
            default: throw new IllegalStateException("unknown width " + width);
        }
    }

    static void table(PrintStream out, String name, ConfigDef def) {
        out.printf("inline constexpr JavaClientConfigKey %s[] = {%n", name);
        for (Map.Entry<String, ConfigDef.ConfigKey> e : def.configKeys().entrySet()) {
            ConfigDef.ConfigKey key = e.getValue();
            String defaultKind;
            String defaultText;
            if (ConfigDef.NO_DEFAULT_VALUE.equals(key.defaultValue)) {
                defaultKind = "DefaultKind::kRequired";
                defaultText = null;
            } else {
                defaultText = ConfigDef.convertToString(key.defaultValue, key.type);
                defaultKind = defaultText == null ? "DefaultKind::kNull" : "DefaultKind::kValue";
            }
            List<String> dependents = key.dependents == null ? List.of() : key.dependents;
            out.printf("    {%s,%n", literal(key.name));
            out.printf("     %s, %s, %s,%n", cppType(key.type), defaultKind, literal(defaultText));
            out.printf("     %s,%n", cppImportance(key.importance));
            out.printf("     %s,%n", literal(key.documentation));
            out.printf("     %s, %d, %s, %s, %s},%n", literal(key.group), key.orderInGroup,
                    cppWidth(key.width), literal(key.displayName),
                    literal(String.join(",", dependents)));
        }
        out.println("};");
        out.println();
    }

    public static void main(String[] args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        out.println("// GENERATED FILE: do not edit. Regenerate with tools/gen-client-configs/generate.");
        out.println("//");
        out.printf("// The configuration definitions of the Java Kafka clients of Apache Kafka %s%n",
                AppInfoParser.getVersion());
        out.println("// (ProducerConfig.configDef(), ConsumerConfig.configDef() and");
        out.println("// AdminClientConfig.configDef()), read from Apache Kafka's kafka-clients jar by");
        out.println("// tools/gen-client-configs/GenClientConfigs.java on Java "
                + System.getProperty("java.specification.version") + ".");
        out.println("// The data (key names, defaults and documentation) is Apache Kafka's, under the");
        out.println("// Apache License 2.0. A few defaults come from the JVM that ran the generator");
        out.println("// (ssl.enabled.protocols, ssl.protocol, ssl.keymanager.algorithm,");
        out.println("// ssl.trustmanager.algorithm), as they do on a Kafka Connect worker.");
        out.println("//");
        out.println("// Included by server/kafka/client_configs.cc, which defines JavaClientConfigKey.");
        out.println();
        table(out, "kJavaProducerConfigKeys", ProducerConfig.configDef());
        table(out, "kJavaConsumerConfigKeys", ConsumerConfig.configDef());
        table(out, "kJavaAdminConfigKeys", AdminClientConfig.configDef());
        out.flush();
        java.nio.file.Files.write(java.nio.file.Paths.get(args[0]), bytes.toByteArray());
    }
}

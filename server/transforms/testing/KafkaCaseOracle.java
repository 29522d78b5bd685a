// Sluice's test oracle for server/transforms: reads testdata/*.cases, runs Kafka's own
// transforms and predicates on each case's inputs, and rewrites the case's `expect` lines with
// what they print, in the text form of testing/record_text.h. Sluice's code, not Kafka's.
//
//   KAFKA_LIBS=/path/to/kafka_2.13-3.9.1/libs
//   javac -cp "$KAFKA_LIBS/*" -d /tmp/oracle KafkaCaseOracle.java
//   java -cp "$KAFKA_LIBS/*:/tmp/oracle" KafkaCaseOracle server/transforms/testdata/*.cases
//
// then review the diff: every changed expect line is a behaviour of Kafka's that Sluice's tests
// will now require.

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.*;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;

public class KafkaCaseOracle {
  // ---- The text forms (server/transforms/testing/record_text.h) ----
  static String s(Schema sc) {
    if (sc == null) return "null";
    StringBuilder b = new StringBuilder(sc.type().name());
    if (sc.isOptional()) b.append('?');
    List<String> attrs = new ArrayList<>();
    if (sc.name() != null) attrs.add("name=" + sc.name());
    if (sc.version() != null) attrs.add("v=" + sc.version());
    if (sc.doc() != null) attrs.add("doc=" + sc.doc());
    if (sc.parameters() != null && !sc.parameters().isEmpty()) attrs.add("p=" + new TreeMap<>(sc.parameters()));
    if (sc.defaultValue() != null) attrs.add("def=" + v(sc, sc.defaultValue(), false));
    if (!attrs.isEmpty()) b.append('(').append(String.join(", ", attrs)).append(')');
    switch (sc.type()) {
      case STRUCT: {
        List<String> fs = new ArrayList<>();
        for (Field f : sc.fields()) fs.add(f.name() + ":" + s(f.schema()));
        b.append('{').append(String.join(", ", fs)).append('}');
        break;
      }
      case ARRAY: b.append('[').append(s(sc.valueSchema())).append(']'); break;
      case MAP: b.append('<').append(s(sc.keySchema())).append(", ").append(s(sc.valueSchema())).append('>'); break;
      default: break;
    }
    return b.toString();
  }

  static String hex(byte[] bytes) {
    StringBuilder b = new StringBuilder("0x");
    for (byte x : bytes) b.append(String.format("%02x", x));
    return b.toString();
  }

  static String v(Schema sc, Object o) {
    return v(sc, o, true);
  }

  static String v(Schema sc, Object o, boolean checkStructSchema) {
    if (o == null) return "null";
    if (sc != null && sc.name() != null) {
      switch (sc.name()) {
        case Timestamp.LOGICAL_NAME:
          if (o instanceof java.util.Date) return ((java.util.Date) o).getTime() + "L";
          break;
        case org.apache.kafka.connect.data.Date.LOGICAL_NAME:
          if (o instanceof java.util.Date) return String.valueOf(org.apache.kafka.connect.data.Date.fromLogical(sc, (java.util.Date) o));
          break;
        case Time.LOGICAL_NAME:
          if (o instanceof java.util.Date) return String.valueOf(Time.fromLogical(sc, (java.util.Date) o));
          break;
        case Decimal.LOGICAL_NAME:
          if (o instanceof BigDecimal) return "dec:" + o;
          break;
        default: break;
      }
    }
    if (o instanceof Byte) return o + "b";
    if (o instanceof Short) return o + "s";
    if (o instanceof Integer) return o.toString();
    if (o instanceof Long) return o + "L";
    if (o instanceof Float) return o + "f";
    if (o instanceof Double) return o + "d";
    if (o instanceof Boolean) return o.toString();
    if (o instanceof String) return "\"" + o + "\"";
    if (o instanceof byte[]) return hex((byte[]) o);
    if (o instanceof ByteBuffer) {
      ByteBuffer bb = ((ByteBuffer) o).duplicate();
      byte[] a = new byte[bb.remaining()];
      bb.get(a);
      return hex(a);
    }
    if (o instanceof java.util.Date) return "Date(" + ((java.util.Date) o).getTime() + ")";
    if (o instanceof BigDecimal) return "BigDecimal(" + o + ")";
    if (o instanceof List) {
      Schema es = sc == null ? null : sc.valueSchema();
      List<String> items = new ArrayList<>();
      for (Object e : (List<?>) o) items.add(v(es, e));
      return "[" + String.join(", ", items) + "]";
    }
    if (o instanceof Map) {
      Schema ks = sc == null ? null : sc.keySchema();
      Schema vs = sc == null ? null : sc.valueSchema();
      List<String> items = new ArrayList<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) items.add(v(ks, e.getKey()) + "=" + v(vs, e.getValue()));
      return "{" + String.join(", ", items) + "}";
    }
    if (o instanceof Struct) {
      Struct st = (Struct) o;
      List<String> items = new ArrayList<>();
      for (Field f : st.schema().fields()) items.add(f.name() + "=" + v(f.schema(), st.getWithoutDefault(f.name())));
      String same = (!checkStructSchema || sc == null || st.schema().equals(sc)) ? "" : "!schema=" + s(st.schema());
      return "Struct" + same + "{" + String.join(", ", items) + "}";
    }
    return "?" + o.getClass().getName();
  }

  static String r(ConnectRecord<?> rec) {
    if (rec == null) return "dropped";
    StringBuilder b = new StringBuilder();
    b.append("topic=").append(rec.topic());
    b.append(" part=").append(rec.kafkaPartition());
    b.append(" key=").append(s(rec.keySchema())).append(" / ").append(v(rec.keySchema(), rec.key()));
    b.append(" value=").append(s(rec.valueSchema())).append(" / ").append(v(rec.valueSchema(), rec.value()));
    b.append(" ts=").append(rec.timestamp());
    List<String> hs = new ArrayList<>();
    for (Header h : rec.headers()) hs.add(h.key() + ":" + s(h.schema()) + "=" + v(h.schema(), h.value()));
    b.append(" headers=[").append(String.join(", ", hs)).append(']');
    if (rec instanceof SinkRecord) b.append(" offset=").append(((SinkRecord) rec).kafkaOffset());
    return b.toString();
  }

  static String err(Throwable t) {
    return "ERROR " + t.getClass().getName() + ": " + t.getMessage();
  }



  // ---- Reading the text forms ----
  static class Reader {
    final String t;
    int pos = 0;
    Reader(String t) { this.t = t; }
    boolean atEnd() { return pos >= t.length(); }
    char peek() { return atEnd() ? '\0' : t.charAt(pos); }
    boolean consume(String s) {
      if (t.startsWith(s, pos)) { pos += s.length(); return true; }
      return false;
    }
    void expect(String s) {
      if (!consume(s)) throw new IllegalStateException("expected \"" + s + "\" at " + pos + " in \"" + t + "\"");
    }
    String until(String stops) {
      int start = pos;
      while (!atEnd() && stops.indexOf(t.charAt(pos)) < 0) pos++;
      return t.substring(start, pos);
    }
    String balanced(String stops) {
      int start = pos, depth = 0;
      boolean quoted = false;
      for (; !atEnd(); pos++) {
        char c = t.charAt(pos);
        if (quoted) { quoted = c != '"'; continue; }
        if (c == '"') quoted = true;
        else if ("([{<".indexOf(c) >= 0) depth++;
        else if (depth > 0 && ")]}>".indexOf(c) >= 0) depth--;
        else if (depth == 0 && stops.indexOf(c) >= 0) break;
      }
      return t.substring(start, pos);
    }

    Schema schema() {
      if (consume("null")) return null;
      String typeName = until("?({[<,)>]} ");
      Schema.Type type = Schema.Type.valueOf(typeName);
      boolean optional = consume("?");
      String name = null, doc = null, defaultText = null;
      Integer version = null;
      Map<String, String> params = new LinkedHashMap<>();
      if (consume("(")) {
        while (!consume(")")) {
          if (consume("name=")) name = until(",)");
          else if (consume("v=")) version = Integer.parseInt(until(",)"));
          else if (consume("doc=")) doc = until(",)");
          else if (consume("p={")) {
            while (!consume("}")) {
              String k = until("=");
              expect("=");
              String v = until(",}");
              params.put(k, v);
              consume(", ");
            }
          } else if (consume("def=")) defaultText = balanced(",)");
          else throw new IllegalStateException("attr at " + pos + " in " + t);
          consume(", ");
        }
      }
      SchemaBuilder b;
      List<Object[]> fields = new ArrayList<>();
      if (type == Schema.Type.STRUCT) {
        b = SchemaBuilder.struct();
        expect("{");
        while (!consume("}")) {
          String f = until(":");
          expect(":");
          fields.add(new Object[]{f, schema()});
          consume(", ");
        }
      } else if (type == Schema.Type.ARRAY) {
        expect("[");
        Schema e = schema();
        expect("]");
        b = SchemaBuilder.array(e);
      } else if (type == Schema.Type.MAP) {
        expect("<");
        Schema k = schema();
        expect(", ");
        Schema v = schema();
        expect(">");
        b = SchemaBuilder.map(k, v);
      } else {
        b = SchemaBuilder.type(type);
      }
      for (Object[] f : fields) b.field((String) f[0], (Schema) f[1]);
      if (optional) b.optional();
      if (name != null) b.name(name);
      if (version != null) b.version(version);
      if (doc != null) b.doc(doc);
      if (!params.isEmpty()) b.parameters(params);
      if (defaultText != null) {
        // A Struct default is made on the builder itself, as Kafka's builders require.
        Object def = new Reader(defaultText).value(b);
        b.defaultValue(def);
      }
      return b.build();
    }

    Object value(Schema schema) {
      if (consume("null")) return null;
      if (schema != null && schema.type() == Schema.Type.STRUCT) {
        expect("Struct{");
        Struct s = new Struct(schema);
        while (!consume("}")) {
          String f = until("=");
          expect("=");
          Field field = schema.field(f);
          Object v = value(field.schema());
          if (v != null) s.put(f, v);
          consume(", ");
        }
        return s;
      }
      if (consume("[")) {
        Schema e = schema == null ? null : schema.valueSchema();
        List<Object> items = new ArrayList<>();
        while (!consume("]")) {
          items.add(value(e));
          consume(", ");
        }
        return items;
      }
      if (consume("{")) {
        Schema ks = schema == null ? null : schema.keySchema();
        Schema vs = schema == null ? null : schema.valueSchema();
        Map<Object, Object> m = new LinkedHashMap<>();
        while (!consume("}")) {
          Object k = value(ks);
          expect("=");
          Object v = value(vs);
          m.put(k, v);
          consume(", ");
        }
        return m;
      }
      return scalar(schema);
    }

    Object scalar(Schema schema) {
      if (consume("true")) return true;
      if (consume("false")) return false;
      if (consume("\"")) {
        String s = until("\"");
        expect("\"");
        return s;
      }
      if (consume("0x")) {
        String hex = until(",]}=) ");
        byte[] b = new byte[hex.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        return b;
      }
      if (consume("Date(")) {
        long ms = Long.parseLong(until(")"));
        expect(")");
        return new java.util.Date(ms);
      }
      if (consume("dec:")) return new BigDecimal(until(",]}=) "));
      String number = until("bsLfd,]}=) ");
      char suffix = peek();
      if ("bsLfd".indexOf(suffix) >= 0 && suffix != '\0') pos++;
      Object n;
      switch (suffix) {
        case 'b': n = Byte.parseByte(number); break;
        case 's': n = Short.parseShort(number); break;
        case 'L': n = Long.parseLong(number); break;
        case 'f': n = Float.parseFloat(number); break;
        case 'd': n = Double.parseDouble(number); break;
        default: n = Integer.parseInt(number); break;
      }
      // Logical types carry java.util.Date with a schema.
      if (schema != null && schema.name() != null) {
        switch (schema.name()) {
          case Timestamp.LOGICAL_NAME: return Timestamp.toLogical(schema, (Long) n);
          case org.apache.kafka.connect.data.Date.LOGICAL_NAME: return org.apache.kafka.connect.data.Date.toLogical(schema, (Integer) n);
          case Time.LOGICAL_NAME: return Time.toLogical(schema, (Integer) n);
          default: break;
        }
      }
      return n;
    }
  }

  static Object[] schemaAndValue(String text) {
    try {
      return schemaAndValue0(text);
    } catch (RuntimeException e) {
      throw new IllegalStateException("reading " + text, e);
    }
  }

  static Object[] schemaAndValue0(String text) {
    int cut = text.indexOf(" / ");
    Schema s = new Reader(text.substring(0, cut)).schema();
    Object v = new Reader(text.substring(cut + 3)).value(s);
    return new Object[]{s, v};
  }

  // ---- Cases ----
  static class Rec {
    boolean sink;
    Map<String, String> attrs = new HashMap<>();
    Schema keySchema, valueSchema;
    Object key, value;
    ConnectHeaders headers = new ConnectHeaders();

    ConnectRecord<?> build() {
      String topic = attrs.get("topic");
      String part = attrs.getOrDefault("part", "null");
      String ts = attrs.getOrDefault("ts", "null");
      Long timestamp = ts.equals("null") ? null : Long.parseLong(ts);
      Integer partition = part.equals("null") ? null : Integer.parseInt(part);
      if (sink) {
        long offset = Long.parseLong(attrs.getOrDefault("offset", "0"));
        return new SinkRecord(topic, partition, keySchema, key, valueSchema, value, offset, timestamp,
            timestamp == null ? TimestampType.NO_TIMESTAMP_TYPE : TimestampType.CREATE_TIME, headers);
      }
      return new SourceRecord(null, null, topic, partition, keySchema, key, valueSchema, value, timestamp, headers);
    }
  }

  static class Case {
    String name, kind, cls;
    Map<String, String> config = new LinkedHashMap<>();
    List<Rec> records = new ArrayList<>();
  }

  static String fullName(String name, String pkg) {
    return name.contains(".") ? name : pkg + name;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static List<String> run(Case c) throws Exception {
    Object o;
    try {
      o = Class.forName(fullName(c.cls, "org.apache.kafka.connect.transforms.")).getDeclaredConstructor().newInstance();
    } catch (ClassNotFoundException e) {
      o = Class.forName(fullName(c.cls, "org.apache.kafka.connect.transforms.predicates.")).getDeclaredConstructor().newInstance();
    }
    ConfigDef def = (o instanceof Transformation) ? ((Transformation) o).config() : ((Predicate) o).config();
    List<String> out = new ArrayList<>();
    switch (c.kind) {
      case "describe":
        for (ConfigDef.ConfigKey k : def.configKeys().values()) {
          String dflt = k.hasDefault() ? (k.defaultValue == null ? "null" : "\"" + ConfigDef.convertToString(k.defaultValue, k.type) + "\"") : "<required>";
          out.add(k.name + " | " + k.type + " | " + dflt + " | " + k.importance + " | "
              + (k.validator == null ? "" : k.validator.toString()) + " | " + k.documentation);
        }
        if (out.isEmpty()) out.add("<no keys>");
        return out;
      case "validate": {
        List<String> items = new ArrayList<>();
        // In definition order, as the worker reports them (ConfigDef.validate itself returns a
        // HashMap's values).
        Map<String, org.apache.kafka.common.config.ConfigValue> all = def.validateAll(c.config);
        for (String name : def.configKeys().keySet()) {
          org.apache.kafka.common.config.ConfigValue cv = all.get(name);
          if (!cv.errorMessages().isEmpty()) items.add(cv.name() + ": " + cv.errorMessages());
        }
        out.add(items.toString());
        return out;
      }
      default:
        break;
    }
    try {
      if (o instanceof Transformation) ((Transformation) o).configure(c.config);
      else ((Predicate) o).configure(c.config);
    } catch (Throwable e) {
      for (int i = 0; i < Math.max(1, c.records.size()); i++) out.add(err(e));
      return out;
    }
    if (c.records.isEmpty()) {
      out.add("ok");
      return out;
    }
    for (Rec r : c.records) {
      ConnectRecord rec = r.build();
      try {
        if (o instanceof Transformation) out.add(r((ConnectRecord) ((Transformation) o).apply(rec)));
        else out.add(String.valueOf(((Predicate) o).test(rec)));
      } catch (Throwable e) {
        out.add(err(e));
      }
    }
    return out;
  }

  static final Set<String> CONTINUATION = new HashSet<>(Arrays.asList(
      "key", "value", "header", "config", "transform", "predicate", "validate", "describe"));

  public static void main(String[] args) throws Exception {
    for (String file : args) {
      List<String> lines = Files.readAllLines(Paths.get(file), StandardCharsets.UTF_8);
      // First pass: the cases.
      List<Case> cases = new ArrayList<>();
      for (String line : lines) {
        if (line.isEmpty() || line.startsWith("#")) continue;
        int sp = line.indexOf(' ');
        String d = sp < 0 ? line : line.substring(0, sp);
        String rest = sp < 0 ? "" : line.substring(sp + 1);
        Case c = cases.isEmpty() ? null : cases.get(cases.size() - 1);
        switch (d) {
          case "case": { Case n = new Case(); n.name = rest; cases.add(n); break; }
          case "transform": case "predicate": case "validate": case "describe": c.kind = d; c.cls = rest; break;
          case "config": { int eq = rest.indexOf('='); c.config.put(rest.substring(0, eq), rest.substring(eq + 1)); break; }
          case "source": case "sink": {
            Rec r = new Rec();
            r.sink = d.equals("sink");
            for (String kv : rest.split(" ")) {
              if (kv.isEmpty()) continue;
              int eq = kv.indexOf('=');
              r.attrs.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            c.records.add(r);
            break;
          }
          case "key": { Object[] sv = schemaAndValue(rest); Rec r = c.records.get(c.records.size() - 1); r.keySchema = (Schema) sv[0]; r.key = sv[1]; break; }
          case "value": { Object[] sv = schemaAndValue(rest); Rec r = c.records.get(c.records.size() - 1); r.valueSchema = (Schema) sv[0]; r.value = sv[1]; break; }
          case "header": {
            int ne = rest.indexOf(' ');
            Object[] sv = schemaAndValue(rest.substring(ne + 1));
            Rec r = c.records.get(c.records.size() - 1);
            r.headers.add(rest.substring(0, ne), sv[1], (Schema) sv[0]);
            break;
          }
          case "expect": break;
          default: throw new IllegalStateException("unknown directive " + d);
        }
      }
      Map<Case, List<String>> outputs = new HashMap<>();
      for (Case c : cases) outputs.put(c, run(c));
      // Second pass: rewrite, with the expect lines where they belong.
      List<String> result = new ArrayList<>();
      List<String> pending = new ArrayList<>();
      boolean pendingIsCaseLevel = false;
      int caseIndex = -1, recordIndex = -1;
      for (String line : lines) {
        int sp = line.indexOf(' ');
        String d = line.isEmpty() || line.startsWith("#") ? "" : (sp < 0 ? line : line.substring(0, sp));
        if (d.equals("expect")) continue;
        if (d.equals("case")) {
          result.addAll(pending);
          caseIndex++;
          recordIndex = -1;
          Case c = cases.get(caseIndex);
          List<String> out = outputs.get(c);
          pending = new ArrayList<>();
          if (c.records.isEmpty()) for (String o : out) pending.add("expect " + o);
          pendingIsCaseLevel = true;
        } else if (d.equals("source") || d.equals("sink")) {
          if (!pendingIsCaseLevel) result.addAll(pending);
          recordIndex++;
          pending = new ArrayList<>();
          pending.add("expect " + outputs.get(cases.get(caseIndex)).get(recordIndex));
          pendingIsCaseLevel = false;
        } else if (!CONTINUATION.contains(d)) {
          result.addAll(pending);
          pending = new ArrayList<>();
        }
        result.add(line);
      }
      result.addAll(pending);
      Files.write(Paths.get(file), result, StandardCharsets.UTF_8);
      System.out.println(file + ": " + cases.size() + " cases");
    }
  }
}

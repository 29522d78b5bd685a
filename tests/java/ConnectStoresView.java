// Kafka Connect's own stores on the three internal topics, for
// tests/integration/test_kafka_stores_interop.py: it compares what they read with what Sluice's
// stores (server/store/kafka_*_store.h, driven by the kafka_stores_interop tool) read from the
// same topics, in both directions. Compiled at test time against the Kafka jars of tools/kafka.
//
//   java ConnectStoresView read <bootstrap> <topic-prefix> <offset-key-file>
//       starts KafkaConfigBackingStore, KafkaStatusBackingStore and KafkaOffsetBackingStore on
//       <prefix>configs, <prefix>status and <prefix>offsets and prints their view as one line of
//       JSON (the shape kafka_stores_interop prints; see server/store/kafka_stores_interop_main.cc),
//       looking up the offsets of the keys listed in the file, one per line;
//   java ConnectStoresView write <bootstrap> <topic-prefix>
//       writes a fixed scenario through the same stores (creating the topics) and prints the
//       offset keys it wrote, one per line.
//
// Sluice's own code (not copied from Kafka): it only calls Kafka Connect's public store classes.

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.AbstractStatus;
import org.apache.kafka.connect.runtime.ConnectorStatus;
import org.apache.kafka.connect.runtime.RestartRequest;
import org.apache.kafka.connect.runtime.SessionKey;
import org.apache.kafka.connect.runtime.TargetState;
import org.apache.kafka.connect.runtime.TaskStatus;
import org.apache.kafka.connect.runtime.TopicStatus;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.storage.ClusterConfigState;
import org.apache.kafka.connect.storage.ConfigBackingStore;
import org.apache.kafka.connect.storage.KafkaConfigBackingStore;
import org.apache.kafka.connect.storage.KafkaOffsetBackingStore;
import org.apache.kafka.connect.storage.KafkaStatusBackingStore;
import org.apache.kafka.connect.util.ConnectorTaskId;
import org.apache.kafka.connect.util.TopicAdmin;

import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

public class ConnectStoresView {
    private static final String CLIENT_ID_BASE = "java-interop-";

    private final DistributedConfig config;
    private final TopicAdmin admin;
    private final JsonConverter valueConverter = new JsonConverter();
    private final JsonConverter keyConverter = new JsonConverter();
    private final KafkaConfigBackingStore configStore;
    private final KafkaStatusBackingStore statusStore;
    private final KafkaOffsetBackingStore offsetStore;
    private final String offsetTopic;

    ConnectStoresView(String bootstrap, String prefix) {
        Map<String, String> worker = new HashMap<>();
        worker.put("bootstrap.servers", bootstrap);
        worker.put("group.id", "java-interop");
        worker.put("config.storage.topic", prefix + "configs");
        worker.put("offset.storage.topic", prefix + "offsets");
        worker.put("status.storage.topic", prefix + "status");
        worker.put("config.storage.replication.factor", "1");
        worker.put("offset.storage.replication.factor", "1");
        worker.put("status.storage.replication.factor", "1");
        worker.put("key.converter", JsonConverter.class.getName());
        worker.put("value.converter", JsonConverter.class.getName());
        config = new DistributedConfig(worker);
        offsetTopic = prefix + "offsets";

        Map<String, Object> adminProps = new HashMap<>(config.originals());
        adminProps.put("client.id", CLIENT_ID_BASE + "shared-admin");
        admin = new TopicAdmin(adminProps);
        // The worker's internal converters: schemaless JSON.
        valueConverter.configure(Collections.singletonMap("schemas.enable", "false"), false);
        keyConverter.configure(Collections.singletonMap("schemas.enable", "false"), true);

        configStore = new KafkaConfigBackingStore(valueConverter, config, null, () -> admin, CLIENT_ID_BASE);
        configStore.setUpdateListener(new IgnoringListener());
        statusStore = new KafkaStatusBackingStore(Time.SYSTEM, valueConverter, () -> admin, CLIENT_ID_BASE);
        statusStore.configure(config);
        offsetStore = new KafkaOffsetBackingStore(() -> admin, () -> CLIENT_ID_BASE, keyConverter);
        offsetStore.configure(config);
    }

    void start() {
        configStore.start();
        statusStore.start();
        offsetStore.start();
    }

    void stop() {
        configStore.stop();
        statusStore.stop();
        offsetStore.stop();
        admin.close();
    }

    static class IgnoringListener implements ConfigBackingStore.UpdateListener {
        public void onConnectorConfigRemove(String connector) { }
        public void onConnectorConfigUpdate(String connector) { }
        public void onTaskConfigUpdate(Collection<ConnectorTaskId> tasks) { }
        public void onConnectorTargetStateChange(String connector) { }
        public void onSessionKeyUpdate(SessionKey sessionKey) { }
        public void onRestartRequest(RestartRequest restartRequest) { }
        public void onLoggingLevelUpdate(String namespace, String level) { }
    }

    // ---- read ----

    static Map<String, Object> status(AbstractStatus<?> s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", s.state().name());
        out.put("trace", s.trace());
        out.put("workerId", s.workerId());
        out.put("generation", s.generation());
        return out;
    }

    Map<String, Object> view(List<String> offsetKeys) throws Exception {
        configStore.refresh(30, TimeUnit.SECONDS);
        ClusterConfigState snapshot = configStore.snapshot();
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("offset", snapshot.offset());
        Map<String, Object> connectors = new TreeMap<>();
        Map<String, Object> targets = new TreeMap<>();
        Map<String, Object> tasks = new TreeMap<>();
        Map<String, Object> counts = new TreeMap<>();
        for (String c : snapshot.connectors()) {
            connectors.put(c, snapshot.rawConnectorConfig(c));
            targets.put(c, snapshot.targetState(c).name());
            List<Object> list = new ArrayList<>();
            for (ConnectorTaskId id : snapshot.tasks(c)) list.add(snapshot.rawTaskConfig(id));
            tasks.put(c, list);
            counts.put(c, snapshot.taskCount(c));
        }
        cfg.put("connectors", connectors);
        cfg.put("targetStates", targets);
        cfg.put("tasks", tasks);
        cfg.put("taskCounts", counts);
        cfg.put("inconsistent", new TreeSet<>(snapshot.inconsistentConnectors()));
        SessionKey key = snapshot.sessionKey();
        if (key == null) {
            cfg.put("sessionKey", null);
        } else {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("key", Base64.getEncoder().encodeToString(key.key().getEncoded()));
            k.put("algorithm", key.key().getAlgorithm());
            k.put("creationTimestamp", key.creationTimestamp());
            cfg.put("sessionKey", k);
        }

        // KafkaStatusBackingStore reads to the end when it starts; this program starts it after
        // every status was written.
        Set<String> names = new TreeSet<>(snapshot.connectors());
        names.addAll(statusStore.connectors());
        names.add("gone");
        Map<String, Object> connectorStatuses = new TreeMap<>();
        Map<String, Object> taskStatuses = new TreeMap<>();
        Map<String, Object> topics = new TreeMap<>();
        for (String c : names) {
            ConnectorStatus cs = statusStore.get(c);
            if (cs != null) connectorStatuses.put(c, status(cs));
            Map<String, Object> byTask = new TreeMap<>();
            for (TaskStatus ts : statusStore.getAll(c)) byTask.put(Integer.toString(ts.id().task()), status(ts));
            if (!byTask.isEmpty()) taskStatuses.put(c, byTask);
            Map<String, Object> active = new TreeMap<>();
            for (TopicStatus t : statusStore.getAllTopics(c)) {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("connector", t.connector());
                v.put("task", t.task());
                v.put("discoverTimestamp", t.discoverTimestamp());
                active.put(t.topic(), v);
            }
            if (!active.isEmpty()) topics.put(c, active);
        }
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("connectors", connectorStatuses);
        st.put("tasks", taskStatuses);
        st.put("topics", topics);

        List<ByteBuffer> keys = new ArrayList<>();
        for (String k : offsetKeys) keys.add(ByteBuffer.wrap(k.getBytes(StandardCharsets.UTF_8)));
        Map<ByteBuffer, ByteBuffer> found = offsetStore.get(keys).get(30, TimeUnit.SECONDS);
        Map<String, Object> values = new TreeMap<>();
        Set<String> offsetConnectors = new TreeSet<>();
        for (String k : offsetKeys) {
            ByteBuffer v = found.get(ByteBuffer.wrap(k.getBytes(StandardCharsets.UTF_8)));
            if (v != null) values.put(k, new String(v.array(), StandardCharsets.UTF_8));
            Object parsed = keyConverter.toConnectData(offsetTopic, k.getBytes(StandardCharsets.UTF_8)).value();
            if (parsed instanceof List && !((List<?>) parsed).isEmpty() && ((List<?>) parsed).get(0) instanceof String) {
                offsetConnectors.add((String) ((List<?>) parsed).get(0));
            }
        }
        Map<String, Object> partitions = new TreeMap<>();
        for (String c : offsetConnectors) {
            Set<Map<String, Object>> p = offsetStore.connectorPartitions(c);
            if (!p.isEmpty()) partitions.put(c, new ArrayList<>(p));
        }
        Map<String, Object> off = new LinkedHashMap<>();
        off.put("writtenKeys", offsetKeys);
        off.put("values", values);
        off.put("partitions", partitions);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("config", cfg);
        out.put("status", st);
        out.put("offsets", off);
        return out;
    }

    // ---- write ----

    byte[] offsetKey(String connector, Map<String, Object> partition) {
        return keyConverter.fromConnectData(offsetTopic, null, Arrays.asList(connector, partition));
    }

    byte[] offsetValue(Map<String, Object> offset) {
        return valueConverter.fromConnectData(offsetTopic, null, offset);
    }

    List<String> writeScenario() throws Exception {
        Map<String, String> conn = new LinkedHashMap<>();
        conn.put("connector.class", "FileStreamSink");
        conn.put("topics", "x,y");
        conn.put("tasks.max", "2");
        conn.put("ünïcödé", "välue \"quoted\"\n");
        conn.put("name", "java-conn");
        configStore.putConnectorConfig("java-conn", conn, TargetState.PAUSED);
        Map<String, String> task0 = new HashMap<>();
        task0.put("task.class", "org.apache.kafka.connect.file.FileStreamSinkTask");
        task0.put("topics", "x,y");
        Map<String, String> task1 = new HashMap<>(task0);
        task1.put("extra", "1");
        configStore.putTaskConfigs("java-conn", Arrays.asList(task0, task1));
        configStore.putTargetState("java-conn", TargetState.STOPPED);
        configStore.putConnectorConfig("java-removed", Collections.singletonMap("connector.class", "X"), null);
        configStore.removeConnectorConfig("java-removed");
        byte[] keyBytes = "java-session-key-bytes".getBytes(StandardCharsets.UTF_8);
        configStore.putSessionKey(new SessionKey(new SecretKeySpec(keyBytes, "HmacSHA256"), 1700000000999L));

        statusStore.put(new ConnectorStatus("java-conn", ConnectorStatus.State.RUNNING, "10.1.1.1:8083", 4));
        statusStore.put(new TaskStatus(new ConnectorTaskId("java-conn", 0), TaskStatus.State.FAILED,
                "10.1.1.1:8083", 4, "org.apache.kafka.connect.errors.ConnectException: ünï\n\tat Y"));
        statusStore.put(new TaskStatus(new ConnectorTaskId("java-conn", 1), TaskStatus.State.RUNNING,
                "10.1.1.2:8083", 4));
        statusStore.put(new TopicStatus("x", new ConnectorTaskId("java-conn", 1), 1700000001234L));
        statusStore.flush();

        List<String> written = new ArrayList<>();
        Map<ByteBuffer, ByteBuffer> offsets = new HashMap<>();
        Map<String, Object> mirror = new HashMap<>();
        mirror.put("topic", "tëst");
        mirror.put("partition", 3);
        mirror.put("cluster", "B");
        Map<String, Object> file = new HashMap<>();
        file.put("filename", "/java/data.txt");
        Map<String, Object> gone = new HashMap<>();
        gone.put("filename", "/java/gone.txt");
        for (Map<String, Object> p : Arrays.asList(mirror, file, gone)) {
            byte[] k = offsetKey(p == mirror ? "java-mirror" : "java-file", p);
            written.add(new String(k, StandardCharsets.UTF_8));
            Map<String, Object> value = new HashMap<>();
            value.put("position", 77L);
            value.put("line", 3);
            offsets.put(ByteBuffer.wrap(k), ByteBuffer.wrap(offsetValue(value)));
        }
        offsetStore.set(offsets, (error, result) -> { }).get(30, TimeUnit.SECONDS);
        // Then reset one (a tombstone).
        Map<ByteBuffer, ByteBuffer> reset = new HashMap<>();
        reset.put(ByteBuffer.wrap(offsetKey("java-file", gone)), null);
        offsetStore.set(reset, (error, result) -> { }).get(30, TimeUnit.SECONDS);
        return written;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: read|write <bootstrap> <topic-prefix> [offset-key-file]");
            System.exit(2);
        }
        ConnectStoresView view = new ConnectStoresView(args[1], args[2]);
        view.start();
        try {
            if (args[0].equals("write")) {
                for (String k : view.writeScenario()) System.out.println(k);
            } else {
                List<String> keys = new ArrayList<>();
                for (String line : Files.readAllLines(Paths.get(args[3]), StandardCharsets.UTF_8)) {
                    if (!line.isEmpty()) keys.add(line);
                }
                System.out.println(new ObjectMapper().writeValueAsString(view.view(keys)));
            }
        } finally {
            view.stop();
        }
        System.exit(0);
    }
}

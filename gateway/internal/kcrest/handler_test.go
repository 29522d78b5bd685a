package kcrest

import (
	"reflect"
	"sort"
	"testing"

	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	sluicev1 "sluice.dev/gateway/gen/sluice/v1"
)

func strp(s string) *string { return &s }
func i64p(v int64) *int64   { return &v }

// checkRequest compares the request sluiced got with want.
func checkRequest(t *testing.T, got call, method string, want proto.Message) {
	t.Helper()
	if got.method != method {
		t.Fatalf("sluiced got %s, want %s", got.method, method)
	}
	if !proto.Equal(got.req, want) {
		t.Fatalf("sluiced got %v\nwant %v", got.req, want)
	}
}

var fileSinkInfo = &sluicev1.ConnectorInfo{
	Name:   "local-file-sink",
	Config: map[string]string{"connector.class": "FileStreamSink", "tasks.max": "1", "name": "local-file-sink"},
	Tasks:  []*sluicev1.TaskId{{Connector: "local-file-sink", Task: 0}},
	Type:   "sink",
}

const fileSinkInfoJSON = `{"name":"local-file-sink","config":{"connector.class":"FileStreamSink","name":"local-file-sink","tasks.max":"1"},"tasks":[{"connector":"local-file-sink","task":0}],"type":"sink"}`

func TestCreateConnector(t *testing.T) {
	g := newGateway(t, func(string, proto.Message) reply { return reply{resp: fileSinkInfo} })
	got := g.do(t, "POST", "/connectors?forward=true", "application/json",
		`{"name":"local-file-sink","config":{"connector.class":"FileStreamSink","tasks.max":1,"flag":true,"ratio":1.50,"big":12345678901234567890,"s":"<&>"},"initial_state":"paused","extra":{"ignored":[1]}}`)
	expect(t, got, 201, fileSinkInfoJSON)
	if loc := got.header.Get("Location"); loc != "http://"+g.host()+"/connectors/local-file-sink" {
		t.Errorf("Location %q", loc)
	}
	c := g.fake.lastCall(t)
	checkRequest(t, c, "CreateConnector", &sluicev1.CreateConnectorRequest{
		Name: "local-file-sink",
		Config: map[string]string{"connector.class": "FileStreamSink", "tasks.max": "1", "flag": "true",
			"ratio": "1.50", "big": "12345678901234567890", "s": "<&>"},
		InitialState: "paused",
	})
	if v := c.md.Get(NullConfigKeysMetadataKey); len(v) != 0 {
		t.Errorf("null keys %v on a config without nulls", v)
	}
}

func TestCreateConnectorNullValuesAndOddFields(t *testing.T) {
	g := newGateway(t, func(string, proto.Message) reply {
		return reply{resp: &sluicev1.ConnectorInfo{Name: "a b/c"}}
	})
	got := g.do(t, "POST", "/connectors", "application/json",
		`{"name":7,"config":{"file":null,"topics":"t","z":null,"w":null,"w":"set"},"initial_state":null}`)
	expect(t, got, 201, `{"name":"a b/c","config":{},"tasks":[],"type":""}`)
	if loc := got.header.Get("Location"); loc != "http://"+g.host()+"/connectors/a%20b/c" {
		t.Errorf("Location %q", loc)
	}
	c := g.fake.lastCall(t)
	checkRequest(t, c, "CreateConnector", &sluicev1.CreateConnectorRequest{
		Name:   "7",
		Config: map[string]string{"file": "", "topics": "t", "z": "", "w": "set"},
	})
	if v := c.md.Get(NullConfigKeysMetadataKey); !reflect.DeepEqual(v, []string{"file", "z"}) {
		t.Errorf("null keys %q, want [file z]", v)
	}

	// No config at all, or a null one: an empty config (sluiced answers its 400).
	g.do(t, "POST", "/connectors", "application/json", `{"name":"x","config":null}`)
	checkRequest(t, g.fake.lastCall(t), "CreateConnector", &sluicev1.CreateConnectorRequest{Name: "x"})
	g.do(t, "POST", "/connectors", "application/json", `{}`)
	checkRequest(t, g.fake.lastCall(t), "CreateConnector", &sluicev1.CreateConnectorRequest{})
}

func TestPutConnectorConfig(t *testing.T) {
	var header metadata.MD
	g := newGateway(t, func(string, proto.Message) reply { return reply{resp: fileSinkInfo, header: header} })

	got := g.do(t, "PUT", "/connectors/local-file-sink/config", "application/json",
		`{"connector.class":"FileStreamSink","tasks.max":2,"file":null}`)
	expect(t, got, 200, fileSinkInfoJSON)
	if loc := got.header.Get("Location"); loc != "" {
		t.Errorf("Location %q on 200", loc)
	}
	c := g.fake.lastCall(t)
	checkRequest(t, c, "PutConnectorConfig", &sluicev1.PutConnectorConfigRequest{
		Name:   "local-file-sink",
		Config: map[string]string{"connector.class": "FileStreamSink", "tasks.max": "2", "file": ""},
	})
	if v := c.md.Get(NullConfigKeysMetadataKey); !reflect.DeepEqual(v, []string{"file"}) {
		t.Errorf("null keys %q", v)
	}

	header = metadata.Pairs(HTTPStatusMetadataKey, "201")
	got = g.do(t, "PUT", "/connectors/local-file-sink/config", "application/json", `{}`)
	expect(t, got, 201, fileSinkInfoJSON)
	if loc := got.header.Get("Location"); loc != "http://"+g.host()+"/connectors/local-file-sink" {
		t.Errorf("Location %q", loc)
	}
}

func TestPatchConnectorConfig(t *testing.T) {
	g := newGateway(t, func(string, proto.Message) reply { return reply{resp: fileSinkInfo} })
	expect(t, g.do(t, "PATCH", "/connectors/local-file-sink/config", "application/json",
		`{"k":"v","x":null,"n":3,"b":false}`), 200, fileSinkInfoJSON)
	checkRequest(t, g.fake.lastCall(t), "PatchConnectorConfig", &sluicev1.PatchConnectorConfigRequest{
		Name: "local-file-sink",
		Patch: map[string]*sluicev1.OptionalString{
			"k": {Value: strp("v")}, "x": {}, "n": {Value: strp("3")}, "b": {Value: strp("false")},
		},
	})
}

func TestNoContentAndAccepted(t *testing.T) {
	var resp proto.Message
	g := newGateway(t, func(string, proto.Message) reply { return reply{resp: resp} })
	for _, tt := range []struct {
		method, path, rpc string
		status            int
		req               proto.Message
	}{
		{"DELETE", "/connectors/c1?forward=false", "DeleteConnector", 204, &sluicev1.DeleteConnectorRequest{Name: "c1"}},
		{"PUT", "/connectors/c1/stop", "StopConnector", 204, &sluicev1.StopConnectorRequest{Name: "c1"}},
		{"POST", "/connectors/c1/tasks/3/restart", "RestartTask", 204, &sluicev1.RestartTaskRequest{Name: "c1", Task: 3}},
		{"PUT", "/connectors/c1/pause", "PauseConnector", 202, &sluicev1.PauseConnectorRequest{Name: "c1"}},
		{"PUT", "/connectors/c1/resume", "ResumeConnector", 202, &sluicev1.ResumeConnectorRequest{Name: "c1"}},
		{"PUT", "/connectors/c1/topics/reset", "ResetConnectorTopics", 202, &sluicev1.ResetConnectorTopicsRequest{Name: "c1"}},
		{"POST", "/connectors/c1/restart", "RestartConnector", 204, &sluicev1.RestartConnectorRequest{Name: "c1"}},
		{"POST", "/connectors/c1/restart?includeTasks=false&onlyFailed=FALSE&forward=true", "RestartConnector", 204,
			&sluicev1.RestartConnectorRequest{Name: "c1"}},
	} {
		got := g.do(t, tt.method, tt.path, "", "")
		expect(t, got, tt.status, "")
		checkRequest(t, g.fake.lastCall(t), tt.rpc, tt.req)
	}
}

var failedStatus = &sluicev1.ConnectorStateInfo{
	Name:      "c1",
	Connector: &sluicev1.ConnectorState{State: "RESTARTING", WorkerId: "10.0.0.5:8083"},
	Tasks: []*sluicev1.TaskState{
		{Id: 0, State: "RUNNING", WorkerId: "10.0.0.6:8083"},
		{Id: 1, State: "FAILED", WorkerId: "10.0.0.5:8083", Trace: strp("org.apache.kafka.connect.errors.ConnectException: boom\n\tat ...\n")},
	},
	Type: "source",
}

const failedStatusJSON = `{"name":"c1","connector":{"state":"RESTARTING","worker_id":"10.0.0.5:8083"},"tasks":[{"id":0,"state":"RUNNING","worker_id":"10.0.0.6:8083"},{"id":1,"state":"FAILED","worker_id":"10.0.0.5:8083","trace":"org.apache.kafka.connect.errors.ConnectException: boom\n\tat ...\n"}],"type":"source"}`

func TestRestartWithStatus(t *testing.T) {
	g := newGateway(t, func(string, proto.Message) reply {
		return reply{resp: &sluicev1.RestartConnectorResponse{Status: failedStatus}}
	})
	expect(t, g.do(t, "POST", "/connectors/c1/restart?includeTasks=TRUE&onlyFailed=true&onlyFailed=false", "", ""),
		202, failedStatusJSON)
	checkRequest(t, g.fake.lastCall(t), "RestartConnector",
		&sluicev1.RestartConnectorRequest{Name: "c1", IncludeTasks: true, OnlyFailed: true})
}

func TestStatusBodies(t *testing.T) {
	var resp proto.Message
	g := newGateway(t, func(string, proto.Message) reply { return reply{resp: resp} })
	resp = failedStatus
	expect(t, g.do(t, "GET", "/connectors/c1/status", "", ""), 200, failedStatusJSON)
	resp = &sluicev1.TaskState{Id: 2, State: "RUNNING", WorkerId: "w:1"}
	expect(t, g.do(t, "GET", "/connectors/c1/tasks/2/status", "", ""), 200, `{"id":2,"state":"RUNNING","worker_id":"w:1"}`)
	checkRequest(t, g.fake.lastCall(t), "GetTaskStatus", &sluicev1.GetTaskStatusRequest{Name: "c1", Task: 2})
	resp = &sluicev1.ServerInfo{Version: "3.9.0", Commit: "a60e31147e6b01ee", KafkaClusterId: "MkU3"}
	expect(t, g.do(t, "GET", "/", "", ""), 200, `{"version":"3.9.0","commit":"a60e31147e6b01ee","kafka_cluster_id":"MkU3"}`)
	resp = &sluicev1.OffsetsMessage{Message: "The offsets for this connector have been reset successfully"}
	expect(t, g.do(t, "DELETE", "/connectors/c1/offsets", "", ""), 200,
		`{"message":"The offsets for this connector have been reset successfully"}`)
}

func TestHealthStatusFromServer(t *testing.T) {
	g := newGateway(t, func(string, proto.Message) reply {
		return reply{resp: &sluicev1.WorkerHealth{Status: "starting", Message: "Worker is still starting up."},
			header: metadata.Pairs(HTTPStatusMetadataKey, "503")}
	})
	expect(t, g.do(t, "GET", "/health", "", ""), 503, `{"status":"starting","message":"Worker is still starting up."}`)
}

func TestListConnectors(t *testing.T) {
	var resp proto.Message
	g := newGateway(t, func(string, proto.Message) reply { return reply{resp: resp} })

	resp = &sluicev1.ListConnectorsResponse{Names: []string{"local-file-source", "local-file-sink"}}
	expect(t, g.do(t, "GET", "/connectors", "", ""), 200, `["local-file-source","local-file-sink"]`)
	checkRequest(t, g.fake.lastCall(t), "ListConnectors", &sluicev1.ListConnectorsRequest{})

	resp = &sluicev1.ListConnectorsResponse{}
	expect(t, g.do(t, "GET", "/connectors", "", ""), 200, `[]`)

	resp = &sluicev1.ListConnectorsResponse{ExpandRequested: true, Expanded: map[string]*sluicev1.ConnectorExpansion{
		"local-file-sink": {Status: &sluicev1.ConnectorStateInfo{Name: "local-file-sink",
			Connector: &sluicev1.ConnectorState{State: "RUNNING", WorkerId: "w:1"}, Tasks: []*sluicev1.TaskState{}, Type: "sink"},
			Info: fileSinkInfo},
		"b": {Info: &sluicev1.ConnectorInfo{Name: "b", Type: "source"}},
		"c": {},
	}}
	got := g.do(t, "GET", "/connectors?expand=status&expand=info&expand=status,info", "", "")
	expect(t, got, 200, `{"b":{"info":{"name":"b","config":{},"tasks":[],"type":"source"}},"c":{},"local-file-sink":{"status":{"name":"local-file-sink","connector":{"state":"RUNNING","worker_id":"w:1"},"tasks":[],"type":"sink"},"info":`+fileSinkInfoJSON+`}}`)
	checkRequest(t, g.fake.lastCall(t), "ListConnectors",
		&sluicev1.ListConnectorsRequest{Expand: []string{"status", "info", "status,info"}})

	resp = &sluicev1.ListConnectorsResponse{ExpandRequested: true}
	expect(t, g.do(t, "GET", "/connectors?expand=bogus", "", ""), 200, `{}`)
}

func TestConnectorSubresources(t *testing.T) {
	var resp proto.Message
	g := newGateway(t, func(string, proto.Message) reply { return reply{resp: resp} })

	resp = &sluicev1.ConnectorConfig{Config: map[string]string{"connector.class": "FileStreamSink", "name": "s", "topics": "a<b"}}
	expect(t, g.do(t, "GET", "/connectors/s/config", "", ""), 200,
		`{"connector.class":"FileStreamSink","name":"s","topics":"a<b"}`)
	resp = &sluicev1.ConnectorInfo{Name: "s"}
	expect(t, g.do(t, "GET", "/connectors/s", "", ""), 200, `{"name":"s","config":{},"tasks":[],"type":""}`)
	checkRequest(t, g.fake.lastCall(t), "GetConnector", &sluicev1.GetConnectorRequest{Name: "s"})

	resp = &sluicev1.ListTasksResponse{Tasks: []*sluicev1.TaskInfo{
		{Id: &sluicev1.TaskId{Connector: "s", Task: 0}, Config: map[string]string{"task.class": "T", "file": "f"}},
	}}
	expect(t, g.do(t, "GET", "/connectors/s/tasks", "", ""), 200,
		`[{"id":{"connector":"s","task":0},"config":{"file":"f","task.class":"T"}}]`)
	resp = &sluicev1.ListTasksResponse{}
	expect(t, g.do(t, "GET", "/connectors/s/tasks", "", ""), 200, `[]`)

	resp = &sluicev1.TasksConfig{Tasks: map[string]*sluicev1.TaskConfigMap{
		"s-0": {Config: map[string]string{"task.class": "T"}}, "s-1": {},
	}}
	expect(t, g.do(t, "GET", "/connectors/s/tasks-config", "", ""), 200, `{"s-0":{"task.class":"T"},"s-1":{}}`)

	resp = &sluicev1.ConnectorTopics{Connectors: map[string]*sluicev1.ActiveTopics{"s": {Topics: []string{"connect-test"}}}}
	expect(t, g.do(t, "GET", "/connectors/s/topics", "", ""), 200, `{"s":{"topics":["connect-test"]}}`)
	resp = &sluicev1.ConnectorTopics{Connectors: map[string]*sluicev1.ActiveTopics{"x": {}}}
	expect(t, g.do(t, "GET", "/connectors/x/topics", "", ""), 200, `{"x":{"topics":[]}}`)
}

func TestOffsets(t *testing.T) {
	var resp proto.Message
	g := newGateway(t, func(string, proto.Message) reply { return reply{resp: resp} })

	resp = &sluicev1.ConnectorOffsets{Offsets: []*sluicev1.ConnectorOffset{
		{Partition: &sluicev1.OffsetMap{JsonValues: map[string]string{"filename": `"/data/test.txt"`}},
			Offset: &sluicev1.OffsetMap{JsonValues: map[string]string{"position": "30"}}},
		{Partition: &sluicev1.OffsetMap{JsonValues: map[string]string{"kafka_topic": `"t"`, "kafka_partition": "0"}}},
	}}
	expect(t, g.do(t, "GET", "/connectors/s/offsets", "", ""), 200,
		`{"offsets":[{"partition":{"filename":"/data/test.txt"},"offset":{"position":30}},{"partition":{"kafka_partition":0,"kafka_topic":"t"},"offset":null}]}`)
	resp = &sluicev1.ConnectorOffsets{}
	expect(t, g.do(t, "GET", "/connectors/s/offsets", "", ""), 200, `{"offsets":[]}`)

	resp = &sluicev1.OffsetsMessage{Message: "The offsets for this connector have been altered successfully"}
	expect(t, g.do(t, "PATCH", "/connectors/s/offsets", "application/json",
		`{"offsets":[{"partition":{"filename":"/x"},"offset":{"position":9007199254740993,"s":"1"}},{"partition":{"kafka_topic":"t","kafka_partition":"1"},"offset":null},{"partition":{"f":"y"}}]}`),
		200, `{"message":"The offsets for this connector have been altered successfully"}`)
	checkRequest(t, g.fake.lastCall(t), "AlterConnectorOffsets", &sluicev1.AlterConnectorOffsetsRequest{
		Name: "s",
		Offsets: &sluicev1.ConnectorOffsets{Offsets: []*sluicev1.ConnectorOffset{
			{Partition: &sluicev1.OffsetMap{JsonValues: map[string]string{"filename": `"/x"`}},
				Offset: &sluicev1.OffsetMap{JsonValues: map[string]string{"position": "9007199254740993", "s": `"1"`}}},
			{Partition: &sluicev1.OffsetMap{JsonValues: map[string]string{"kafka_topic": `"t"`, "kafka_partition": `"1"`}}},
			{Partition: &sluicev1.OffsetMap{JsonValues: map[string]string{"f": `"y"`}}},
		}},
	})

	// An empty or absent list goes to sluiced, which answers Kafka Connect's 400.
	g.do(t, "PATCH", "/connectors/s/offsets", "application/json", `{}`)
	checkRequest(t, g.fake.lastCall(t), "AlterConnectorOffsets",
		&sluicev1.AlterConnectorOffsetsRequest{Name: "s", Offsets: &sluicev1.ConnectorOffsets{}})
}

func TestConnectorPlugins(t *testing.T) {
	var resp proto.Message
	g := newGateway(t, func(string, proto.Message) reply { return reply{resp: resp} })
	resp = &sluicev1.ListConnectorPluginsResponse{Plugins: []*sluicev1.PluginInfo{
		{Class: "org.apache.kafka.connect.file.FileStreamSinkConnector", Type: "sink", Version: strp("3.9.0")},
		{Class: "x.NoVersion", Type: "source"},
	}}
	const want = `[{"class":"org.apache.kafka.connect.file.FileStreamSinkConnector","type":"sink","version":"3.9.0"},{"class":"x.NoVersion","type":"source"}]`
	yes, no := true, false
	for _, tt := range []struct {
		query string
		want  *bool
	}{{"", &yes}, {"?connectorsOnly=false", &no}, {"?connectorsOnly=TRUE", &yes}, {"?connectorsOnly=nope", &no}} {
		expect(t, g.do(t, "GET", "/connector-plugins"+tt.query, "", ""), 200, want)
		checkRequest(t, g.fake.lastCall(t), "ListConnectorPlugins",
			&sluicev1.ListConnectorPluginsRequest{ConnectorsOnly: tt.want})
	}

	resp = &sluicev1.PluginConfigDefinitions{Configs: []*sluicev1.ConfigKeyInfo{
		{Name: "name", Type: "STRING", Required: true, Importance: "HIGH", Documentation: "Globally unique name to use for this connector.",
			Group: wrapperspb.String("Common"), Width: "MEDIUM", DisplayName: "Connector name", Order: 1},
	}}
	expect(t, g.do(t, "GET", "/connector-plugins/FileStreamSink/config", "", ""), 200,
		`[{"name":"name","type":"STRING","required":true,"default_value":null,"importance":"HIGH","documentation":"Globally unique name to use for this connector.","group":"Common","width":"MEDIUM","display_name":"Connector name","dependents":[],"order":1}]`)
	checkRequest(t, g.fake.lastCall(t), "GetConnectorPluginConfig",
		&sluicev1.GetConnectorPluginConfigRequest{Plugin: "FileStreamSink"})
}

func TestValidateConnectorConfig(t *testing.T) {
	g := newGateway(t, func(string, proto.Message) reply {
		return reply{resp: &sluicev1.ConfigInfos{
			Name: "FileStreamSink", ErrorCount: 1, Groups: []string{"Common"},
			Configs: []*sluicev1.ConfigInfo{
				{Value: &sluicev1.ConfigValueInfo{Name: "bogus", Errors: []string{"x"}}},
				{Definition: &sluicev1.ConfigKeyInfo{Name: "file", Type: "STRING", Importance: "HIGH", Width: "NONE",
					DisplayName: "file", Order: -1},
					Value: &sluicev1.ConfigValueInfo{Name: "file", RecommendedValues: []string{},
						Errors: []string{"Null value can not be supplied as the configuration value."}, Visible: true}},
			},
		}}
	})
	expect(t, g.do(t, "PUT", "/connector-plugins/FileStreamSink/config/validate", "application/json",
		`{"connector.class":"FileStreamSink","file":null,"tasks.max":1}`), 200,
		`{"name":"FileStreamSink","error_count":1,"groups":["Common"],"configs":[{"definition":null,"value":{"name":"bogus","value":null,"recommended_values":[],"errors":["x"],"visible":false}},{"definition":{"name":"file","type":"STRING","required":false,"default_value":null,"importance":"HIGH","documentation":"","group":null,"width":"NONE","display_name":"file","dependents":[],"order":-1},"value":{"name":"file","value":null,"recommended_values":[],"errors":["Null value can not be supplied as the configuration value."],"visible":true}}]}`)
	c := g.fake.lastCall(t)
	checkRequest(t, c, "ValidateConnectorConfig", &sluicev1.ValidateConnectorConfigRequest{
		Plugin: "FileStreamSink",
		Config: map[string]string{"connector.class": "FileStreamSink", "file": "", "tasks.max": "1"},
	})
	if v := c.md.Get(NullConfigKeysMetadataKey); !reflect.DeepEqual(v, []string{"file"}) {
		t.Errorf("null keys %q", v)
	}
}

func TestLoggers(t *testing.T) {
	var resp proto.Message
	g := newGateway(t, func(string, proto.Message) reply { return reply{resp: resp} })

	resp = &sluicev1.ListLoggersResponse{Loggers: map[string]*sluicev1.LoggerLevel{
		"org.apache.kafka.connect": {Level: "DEBUG", LastModified: i64p(1700000000000)},
		"root":                     {Level: "INFO"},
	}}
	expect(t, g.do(t, "GET", "/admin/loggers", "", ""), 200,
		`{"org.apache.kafka.connect":{"level":"DEBUG","last_modified":1700000000000},"root":{"level":"INFO","last_modified":null}}`)

	resp = &sluicev1.LoggerLevel{Level: "INFO"}
	expect(t, g.do(t, "GET", "/admin/loggers/root", "", ""), 200, `{"level":"INFO","last_modified":null}`)
	checkRequest(t, g.fake.lastCall(t), "GetLogger", &sluicev1.GetLoggerRequest{Logger: "root"})

	resp = &sluicev1.SetLoggerLevelResponse{Loggers: []string{"org.apache.kafka.connect", "org.apache.kafka.connect.runtime"}}
	expect(t, g.do(t, "PUT", "/admin/loggers/org.apache.kafka.connect", "application/json", `{"level":"debug"}`), 200,
		`["org.apache.kafka.connect","org.apache.kafka.connect.runtime"]`)
	checkRequest(t, g.fake.lastCall(t), "SetLoggerLevel", &sluicev1.SetLoggerLevelRequest{
		Logger: "org.apache.kafka.connect", Body: &sluicev1.LoggerLevelBody{Level: "debug"}})

	resp = &sluicev1.SetLoggerLevelResponse{}
	expect(t, g.do(t, "PUT", "/admin/loggers/org.apache.kafka.connect?scope=cluster", "application/json", `{"level":"WARN"}`), 204, "")
	checkRequest(t, g.fake.lastCall(t), "SetLoggerLevel", &sluicev1.SetLoggerLevelRequest{
		Logger: "org.apache.kafka.connect", Scope: "cluster", Body: &sluicev1.LoggerLevelBody{Level: "WARN"}})

	// No level: an empty level goes to sluiced, which answers Kafka Connect's 400.
	g.do(t, "PUT", "/admin/loggers/root", "application/json", `{"other":1}`)
	checkRequest(t, g.fake.lastCall(t), "SetLoggerLevel",
		&sluicev1.SetLoggerLevelRequest{Logger: "root", Body: &sluicev1.LoggerLevelBody{}})
}

// Every route with a body has a reader: the route table matches the generated patterns.
func TestEveryBodyRouteIsRead(t *testing.T) {
	g := newGateway(t, nil)
	seen := map[string]bool{}
	for _, tt := range []struct{ method, path, rpc, body string }{
		{"POST", "/connectors", "CreateConnector", `{}`},
		{"PUT", "/connectors/a/config", "PutConnectorConfig", `{}`},
		{"PATCH", "/connectors/a/config", "PatchConnectorConfig", `{}`},
		{"PATCH", "/connectors/a/offsets", "AlterConnectorOffsets", `{}`},
		{"PUT", "/connector-plugins/p/config/validate", "ValidateConnectorConfig", `{}`},
		{"PUT", "/admin/loggers/root", "SetLoggerLevel", `{}`},
		{"POST", "/connectors/a/tasks", "PutTaskConfigs", `[]`},
		{"PUT", "/connectors/a/fence", "FenceZombies", `{}`},
	} {
		got := g.do(t, tt.method, tt.path, "application/json", tt.body)
		if got.status >= 300 {
			t.Errorf("%s %s: %d %s", tt.method, tt.path, got.status, got.body)
			continue
		}
		if c := g.fake.lastCall(t); c.method != tt.rpc {
			t.Errorf("%s %s reached %s", tt.method, tt.path, c.method)
		}
		seen[tt.method+" "+tt.path] = true
	}
	if len(seen) != len(bodyRoutes) {
		keys := make([]string, 0, len(bodyRoutes))
		for k := range bodyRoutes {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		t.Errorf("bodyRoutes has %v; tested %v", keys, seen)
	}
}

func TestLocationPathEncodesAsJerseysUriBuilder(t *testing.T) {
	for _, tt := range []struct{ name, want string }{
		{"local-file-sink", "local-file-sink"},
		{"a b", "a%20b"},
		{"x/y", "x/y"},
		{"q?x#y", "q%3Fx%23y"},
		{"p%20q", "p%20q"}, // a valid escape stays
		{"100%", "100%25"},
		{"sub-delims!$&'()*+,;=:@~", "sub-delims!$&'()*+,;=:@~"},
		{"é{x}", "%C3%A9%7Bx%7D"},
		{`"<>\^|`, "%22%3C%3E%5C%5E%7C"},
	} {
		if got := LocationPath(tt.name); got != tt.want {
			t.Errorf("LocationPath(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestHeadIsGetWithoutABody(t *testing.T) {
	g := newGateway(t, func(string, proto.Message) reply {
		return reply{resp: &sluicev1.ListConnectorsResponse{Names: []string{"a"}}}
	})
	got := g.do(t, "HEAD", "/connectors", "", "")
	if got.status != 200 || got.body != "" || got.header.Get("Content-Type") != "application/json" ||
		got.header.Get("Content-Length") != "5" {
		t.Errorf("HEAD /connectors: %d %v %q", got.status, got.header, got.body)
	}
	if c := g.fake.lastCall(t); c.method != "ListConnectors" {
		t.Errorf("HEAD reached %s", c.method)
	}
	for path, status := range map[string]int{"/connectors/a/pause": 405, "/nope": 404, "/openapi.json": 200} {
		if got := g.do(t, "HEAD", path, "", ""); got.status != status || got.body != "" {
			t.Errorf("HEAD %s: %d %q, want %d and no body", path, got.status, got.body, status)
		}
	}
}

func TestOneTrailingSlashIsServedAsWithout(t *testing.T) {
	g := newGateway(t, func(method string, _ proto.Message) reply {
		if method == "DeleteConnector" {
			return reply{resp: &emptypb.Empty{}}
		}
		return reply{resp: &sluicev1.ListConnectorsResponse{Names: []string{"a"}}}
	})
	if got := g.do(t, "GET", "/connectors/", "", ""); got.status != 200 {
		t.Errorf("GET /connectors/: %d %q", got.status, got.body)
	}
	if c := g.fake.lastCall(t); c.method != "ListConnectors" {
		t.Errorf("GET /connectors/ reached %s", c.method)
	}
	if got := g.do(t, "DELETE", "/connectors/a/", "", ""); got.status != 204 {
		t.Errorf("DELETE /connectors/a/: %d %q", got.status, got.body)
	}
	if c := g.fake.lastCall(t); c.method != "DeleteConnector" {
		t.Errorf("DELETE /connectors/a/ reached %s", c.method)
	}
}

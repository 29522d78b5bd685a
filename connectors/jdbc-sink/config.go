package main

// The connector's configuration: the keys, defaults, documentation and validators of Confluent's
// JdbcSinkConfig (kafka-connect-jdbc), for the keys that mean something to a PostgreSQL sink.

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	sluice "sluice.dev/sdk/go"
)

const (
	groupConnection = "Connection"
	groupWrites     = "Writes"
	groupMapping    = "Data Mapping"
	groupDDL        = "DDL Support"
	groupRetries    = "Retries"
)

// Insert modes and primary key modes, as Confluent spells them.
const (
	insertInsert = "insert"
	insertUpsert = "upsert"
	insertUpdate = "update"

	pkNone        = "none"
	pkKafka       = "kafka"
	pkRecordKey   = "record_key"
	pkRecordValue = "record_value"
)

// The values of the enum keys, for their validators and their recommended values.
var (
	insertModes = []string{insertInsert, insertUpsert, insertUpdate}
	pkModes     = []string{pkNone, pkKafka, pkRecordKey, pkRecordValue}
	quoteModes  = []string{"always", "never"}
)

var defaultKafkaPKNames = []string{"__connect_topic", "__connect_partition", "__connect_offset"}

// enumValidator is Confluent's EnumValidator: the lower- or upper-case spelling of a value.
func enumValidator(values ...string) *sluice.Validator {
	return &sluice.Validator{Doc: "[" + strings.Join(values, ", ") + "]", Check: func(name string, value any) error {
		s, _ := value.(string)
		for _, v := range values {
			if s == v || s == strings.ToUpper(v) {
				return nil
			}
		}
		shown := "null"
		if value != nil {
			shown = s
		}
		return &sluice.ConfigError{Message: fmt.Sprintf("Invalid value %s for configuration %s: Invalid enumerator", shown, name)}
	}}
}

func timeZoneValidator() *sluice.Validator {
	return &sluice.Validator{Doc: "Any valid JDK time zone", Check: func(name string, value any) error {
		s, _ := value.(string)
		if _, err := loadZone(s); err != nil {
			return &sluice.ConfigError{Message: fmt.Sprintf("Invalid value %s for configuration %s: Invalid time zone identifier", s, name)}
		}
		return nil
	}}
}

// loadZone is ZoneId.of for the names people use: IANA names, UTC/GMT/Z, and fixed offsets.
func loadZone(name string) (*time.Location, error) {
	switch name {
	case "UTC", "Z", "GMT", "UT":
		return time.UTC, nil
	}
	for _, prefix := range []string{"UTC", "GMT", "UT", ""} {
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok || rest == "" || (rest[0] != '+' && rest[0] != '-') {
			continue
		}
		sign := 1
		if rest[0] == '-' {
			sign = -1
		}
		hm := strings.SplitN(rest[1:], ":", 2)
		h, err := strconv.Atoi(hm[0])
		if err != nil || h > 18 {
			return nil, fmt.Errorf("bad offset %q", name)
		}
		m := 0
		if len(hm) == 2 {
			if m, err = strconv.Atoi(hm[1]); err != nil || m > 59 {
				return nil, fmt.Errorf("bad offset %q", name)
			}
		}
		return time.FixedZone(name, sign*(h*3600+m*60)), nil
	}
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("no time zone %q", name)
	}
	return time.LoadLocation(name)
}

var configDef = sluice.NewConfigDef().
	// Connection
	Define(sluice.ConfigKey{Name: "connection.url", Importance: sluice.ImportanceHigh,
		Documentation: "JDBC connection URL.\nFor example: ``jdbc:postgresql://localhost:5432/db_name``. " +
			"Only PostgreSQL URLs are supported by this connector; ``user`` and ``password`` may be given " +
			"as URL parameters too.",
		Group: groupConnection, OrderInGroup: 1, Width: sluice.WidthLong, DisplayName: "JDBC URL"}).
	Define(sluice.ConfigKey{Name: "connection.user", NullDefault: true, Importance: sluice.ImportanceHigh,
		Documentation: "JDBC connection user.", Group: groupConnection, OrderInGroup: 2,
		Width: sluice.WidthMedium, DisplayName: "JDBC User"}).
	Define(sluice.ConfigKey{Name: "connection.password", Type: sluice.TypePassword, NullDefault: true,
		Importance: sluice.ImportanceHigh, Documentation: "JDBC connection password.",
		Group: groupConnection, OrderInGroup: 3, Width: sluice.WidthMedium, DisplayName: "JDBC Password"}).
	Define(sluice.ConfigKey{Name: "dialect.name", Default: "", Importance: sluice.ImportanceLow,
		Documentation: "The name of the database dialect that should be used for this connector. By default " +
			"this is empty, and the connector automatically determines the dialect based upon the JDBC " +
			"connection URL. This connector has one dialect: ``PostgreSqlDatabaseDialect``.",
		Validator: sluice.OneOf([]string{"", "PostgreSqlDatabaseDialect"}, false),
		Group:     groupConnection, OrderInGroup: 5, Width: sluice.WidthLong, DisplayName: "Database Dialect",
		RecommendedValues: []string{"PostgreSqlDatabaseDialect"}}).
	Define(sluice.ConfigKey{Name: "connection.attempts", Type: sluice.TypeInt, Default: 3, Validator: sluice.AtLeast(1),
		Importance:    sluice.ImportanceLow,
		Documentation: "Maximum number of attempts to retrieve a valid JDBC connection. Must be a positive integer.",
		Group:         groupConnection, OrderInGroup: 6, Width: sluice.WidthShort, DisplayName: "JDBC connection attempts"}).
	Define(sluice.ConfigKey{Name: "connection.backoff.ms", Type: sluice.TypeLong, Default: int64(10000),
		Importance:    sluice.ImportanceLow,
		Documentation: "Backoff time in milliseconds between connection attempts.",
		Group:         groupConnection, OrderInGroup: 7, Width: sluice.WidthShort,
		DisplayName: "JDBC connection backoff in milliseconds"}).
	// Writes
	Define(sluice.ConfigKey{Name: "insert.mode", Default: insertInsert,
		Validator:  enumValidator(insertModes...),
		Importance: sluice.ImportanceHigh,
		Documentation: "The insertion mode to use. Supported modes are:\n``insert``\n    Use standard SQL " +
			"``INSERT`` statements.\n``upsert``\n    Use the appropriate upsert semantics for the target " +
			"database if it is supported by the connector, e.g. ``INSERT .. ON CONFLICT .. DO UPDATE``.\n" +
			"``update``\n    Use the appropriate update semantics for the target database if it is supported " +
			"by the connector, e.g. ``UPDATE``.",
		Group: groupWrites, OrderInGroup: 1, Width: sluice.WidthMedium, DisplayName: "Insert Mode",
		RecommendedValues: insertModes}).
	Define(sluice.ConfigKey{Name: "batch.size", Type: sluice.TypeInt, Default: 3000, Validator: sluice.AtLeast(0),
		Importance: sluice.ImportanceMedium,
		Documentation: "Specifies how many records to attempt to batch together for insertion into the " +
			"destination table, when possible.",
		Group: groupWrites, OrderInGroup: 2, Width: sluice.WidthShort, DisplayName: "Batch Size"}).
	Define(sluice.ConfigKey{Name: "delete.enabled", Type: sluice.TypeBoolean, Default: false,
		Importance: sluice.ImportanceMedium,
		Documentation: "Whether to treat ``null`` record values as deletes. Requires ``pk.mode`` to be " +
			"``record_key``.",
		Group: groupWrites, OrderInGroup: 3, Width: sluice.WidthShort, DisplayName: "Enable deletes"}).
	Define(sluice.ConfigKey{Name: "replace.null.with.default", Type: sluice.TypeBoolean, Default: true,
		Importance: sluice.ImportanceLow, Documentation: "Whether to replace ``null`` value with default value",
		Group: groupWrites, OrderInGroup: 5, Width: sluice.WidthMedium,
		DisplayName: "Replace null value with default value"}).
	// Data Mapping
	Define(sluice.ConfigKey{Name: "table.name.format", Default: "${topic}", Validator: sluice.NonEmptyString(),
		Importance: sluice.ImportanceMedium,
		Documentation: "A format string for the destination table name, which may contain '${topic}' as a " +
			"placeholder for the originating topic name.\nFor example, ``kafka_${topic}`` for the topic " +
			"'orders' will map to the table name 'kafka_orders'.",
		Group: groupMapping, OrderInGroup: 1, Width: sluice.WidthLong, DisplayName: "Table Name Format"}).
	Define(sluice.ConfigKey{Name: "pk.mode", Default: pkNone,
		Validator:  enumValidator(pkModes...),
		Importance: sluice.ImportanceHigh,
		Documentation: "The primary key mode, also refer to ``pk.fields`` documentation for interplay. " +
			"Supported modes are:\n``none``\n    No keys utilized.\n``kafka``\n    Kafka coordinates are " +
			"used as the PK.\n``record_key``\n    Field(s) from the record key are used, which may be a " +
			"primitive or a struct.\n``record_value``\n    Field(s) from the record value are used, which " +
			"must be a struct.",
		Group: groupMapping, OrderInGroup: 2, Width: sluice.WidthMedium, DisplayName: "Primary Key Mode",
		RecommendedValues: pkModes,
		Dependents:        []string{"pk.fields"}}).
	Define(sluice.ConfigKey{Name: "pk.fields", Type: sluice.TypeList, Default: "",
		Importance: sluice.ImportanceMedium,
		Documentation: "List of comma-separated primary key field names. The runtime interpretation of this " +
			"config depends on the ``pk.mode``:\n``none``\n    Ignored as no fields are used as primary key " +
			"in this mode.\n``kafka``\n    Must be a trio representing the Kafka coordinates, defaults to " +
			"``__connect_topic,__connect_partition,__connect_offset`` if empty.\n``record_key``\n    If " +
			"empty, all fields from the key struct will be used, otherwise used to extract the desired " +
			"fields - for primitive key only a single field name must be configured.\n``record_value``\n" +
			"    If empty, all fields from the value struct will be used, otherwise used to extract the " +
			"desired fields.",
		Group: groupMapping, OrderInGroup: 3, Width: sluice.WidthLong, DisplayName: "Primary Key Fields"}).
	Define(sluice.ConfigKey{Name: "fields.whitelist", Type: sluice.TypeList, Default: "",
		Importance: sluice.ImportanceMedium,
		Documentation: "List of comma-separated record value field names. If empty, all fields from the " +
			"record value are utilized, otherwise used to filter to the desired fields.\nNote that " +
			"``pk.fields`` is applied independently in the context of which field(s) form the primary key " +
			"columns in the destination database, while this configuration is applicable for the other " +
			"columns.",
		Group: groupMapping, OrderInGroup: 4, Width: sluice.WidthLong, DisplayName: "Fields Whitelist"}).
	Define(sluice.ConfigKey{Name: "db.timezone", Default: "UTC", Validator: timeZoneValidator(),
		Importance: sluice.ImportanceMedium,
		Documentation: "Name of the JDBC timezone that should be used in the connector when inserting " +
			"time-based values. Defaults to UTC.",
		Group: groupMapping, OrderInGroup: 5, Width: sluice.WidthMedium, DisplayName: "DB Time Zone"}).
	// DDL Support
	Define(sluice.ConfigKey{Name: "auto.create", Type: sluice.TypeBoolean, Default: false,
		Importance: sluice.ImportanceMedium,
		Documentation: "Whether to automatically create the destination table based on record schema if it " +
			"is found to be missing by issuing ``CREATE``.",
		Group: groupDDL, OrderInGroup: 1, Width: sluice.WidthShort, DisplayName: "Auto-Create"}).
	Define(sluice.ConfigKey{Name: "auto.evolve", Type: sluice.TypeBoolean, Default: false,
		Importance: sluice.ImportanceMedium,
		Documentation: "Whether to automatically add columns in the table schema when found to be missing " +
			"relative to the record schema by issuing ``ALTER``.",
		Group: groupDDL, OrderInGroup: 2, Width: sluice.WidthShort, DisplayName: "Auto-Evolve"}).
	Define(sluice.ConfigKey{Name: "quote.sql.identifiers", Default: "always",
		Validator:  enumValidator(quoteModes...),
		Importance: sluice.ImportanceMedium,
		Documentation: "When to quote table names, column names, and other identifiers in SQL statements. " +
			"For backward compatibility, the default is ``always``.",
		Group: groupDDL, OrderInGroup: 3, Width: sluice.WidthMedium, DisplayName: "Quote Identifiers",
		RecommendedValues: quoteModes}).
	// Retries
	Define(sluice.ConfigKey{Name: "max.retries", Type: sluice.TypeInt, Default: 10, Validator: sluice.AtLeast(0),
		Importance:    sluice.ImportanceMedium,
		Documentation: "The maximum number of times to retry on errors before failing the task.",
		Group:         groupRetries, OrderInGroup: 1, Width: sluice.WidthShort, DisplayName: "Maximum Retries"}).
	Define(sluice.ConfigKey{Name: "retry.backoff.ms", Type: sluice.TypeInt, Default: 3000, Validator: sluice.AtLeast(0),
		Importance:    sluice.ImportanceMedium,
		Documentation: "The time in milliseconds to wait following an error before a retry attempt is made.",
		Group:         groupRetries, OrderInGroup: 2, Width: sluice.WidthShort, DisplayName: "Retry Backoff (millis)"})

// settings is the parsed config.
type settings struct {
	connString      string // pgx's form of connection.url + user + password
	connAttempts    int
	connBackoff     time.Duration
	insertMode      string
	batchSize       int
	deleteEnabled   bool
	replaceNull     bool
	tableFormat     string
	pkMode          string
	pkFields        []string
	whitelist       map[string]bool
	zone            *time.Location
	autoCreate      bool
	autoEvolve      bool
	quote           bool
	maxRetries      int
	retryBackoff    time.Duration
	redactedConnURL string // for logs
}

// deletesNeedRecordKey is JdbcSinkConfig's error when delete.enabled is set without
// pk.mode=record_key; validation shows deletesNeedRecordKeyValidation on both keys, as
// Confluent's JdbcSinkConnectorValidation does.
const (
	deletesNeedRecordKey           = "Primary key mode must be 'record_key' when delete support is enabled"
	deletesNeedRecordKeyValidation = "Deletes are only supported for pk.mode record_key"
)

// crossChecks are the checks of several keys together (Confluent's JdbcSinkConfig constructor
// and the write path's checks that only depend on the config), as (key, message) pairs.
func crossChecks(p sluice.ParsedConfig) [][2]string {
	var out [][2]string
	pkMode := strings.ToLower(p.String("pk.mode"))
	insertMode := strings.ToLower(p.String("insert.mode"))
	if p.Bool("delete.enabled") && pkMode != pkRecordKey {
		out = append(out, [2]string{"delete.enabled", deletesNeedRecordKey})
	}
	if (insertMode == insertUpsert || insertMode == insertUpdate) && pkMode == pkNone {
		out = append(out, [2]string{"insert.mode", fmt.Sprintf(
			"Write in %s mode requires key field names to be known, check the primary key configuration "+
				"(pk.mode is none)", strings.ToUpper(insertMode))})
	}
	if pkMode == pkKafka {
		if n := len(p.List("pk.fields")); n != 0 && n != 3 {
			out = append(out, [2]string{"pk.fields", fmt.Sprintf(
				"PK mode is kafka so there should either be no field names defined for defaults %s to be "+
					"applicable, or exactly 3, defined fields are: %s",
				"["+strings.Join(defaultKafkaPKNames, ", ")+"]", "["+strings.Join(p.List("pk.fields"), ", ")+"]")})
		}
	}
	if _, err := connString(p.String("connection.url"), p.String("connection.user"), p.String("connection.password"),
		p["connection.user"] != nil, p["connection.password"] != nil); err != nil {
		out = append(out, [2]string{"connection.url", err.Error()})
	}
	return out
}

func parseSettings(config map[string]string) (*settings, error) {
	p, err := configDef.Parse(config)
	if err != nil {
		return nil, err
	}
	if checks := crossChecks(p); len(checks) > 0 {
		msgs := make([]string, len(checks))
		for i, c := range checks {
			msgs[i] = c[1]
		}
		return nil, &sluice.ConfigError{Message: strings.Join(msgs, "\n")}
	}
	cs, _ := connString(p.String("connection.url"), p.String("connection.user"), p.String("connection.password"),
		p["connection.user"] != nil, p["connection.password"] != nil)
	zone, _ := loadZone(p.String("db.timezone"))
	whitelist := map[string]bool{}
	for _, f := range p.List("fields.whitelist") {
		whitelist[f] = true
	}
	batch := int(p.Int("batch.size"))
	if batch < 1 {
		batch = 1 // Confluent flushes once a batch holds batch.size records: 0 writes each alone
	}
	return &settings{
		connString:      cs,
		connAttempts:    int(p.Int("connection.attempts")),
		connBackoff:     time.Duration(p.Int("connection.backoff.ms")) * time.Millisecond,
		insertMode:      strings.ToLower(p.String("insert.mode")),
		batchSize:       batch,
		deleteEnabled:   p.Bool("delete.enabled"),
		replaceNull:     p.Bool("replace.null.with.default"),
		tableFormat:     strings.TrimSpace(p.String("table.name.format")),
		pkMode:          strings.ToLower(p.String("pk.mode")),
		pkFields:        p.List("pk.fields"),
		whitelist:       whitelist,
		zone:            zone,
		autoCreate:      p.Bool("auto.create"),
		autoEvolve:      p.Bool("auto.evolve"),
		quote:           strings.ToLower(p.String("quote.sql.identifiers")) == "always",
		maxRetries:      int(p.Int("max.retries")),
		retryBackoff:    time.Duration(p.Int("retry.backoff.ms")) * time.Millisecond,
		redactedConnURL: redactURL(p.String("connection.url")),
	}, nil
}

// jdbcParams maps PgJDBC's URL parameters to libpq's (what pgx reads); the others PgJDBC knows
// are about the Java driver itself and are dropped.
var jdbcParams = map[string]string{
	"sslmode":          "sslmode",
	"sslcert":          "sslcert",
	"sslkey":           "sslkey",
	"sslrootcert":      "sslrootcert",
	"sslpassword":      "sslpassword",
	"ApplicationName":  "application_name",
	"connectTimeout":   "connect_timeout",
	"loginTimeout":     "connect_timeout",
	"targetServerType": "target_session_attrs",
	"options":          "options",
}

// connString turns a PgJDBC URL (jdbc:postgresql://host1[:port1][,host2[:port2]]/database?k=v,
// or jdbc:postgresql:database, jdbc:postgresql:/) into a libpq URL for pgx. The user and the
// password come from the URL's parameters, else from connection.user / connection.password (as
// PgJDBC, whose URL parameters override the connection properties).
func connString(jdbcURL, user, password string, haveUser, havePassword bool) (string, error) {
	rest, ok := strings.CutPrefix(jdbcURL, "jdbc:postgresql:")
	if !ok {
		return "", fmt.Errorf("Invalid value %s for configuration connection.url: not a PostgreSQL JDBC URL "+
			"(jdbc:postgresql://host:port/database): this connector only writes to PostgreSQL", redactURL(jdbcURL))
	}
	query := ""
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, query = rest[:i], rest[i+1:]
	}
	hosts, db := "localhost:5432", rest
	if strings.HasPrefix(rest, "//") {
		hostPart, path, _ := strings.Cut(rest[2:], "/")
		if hostPart != "" {
			hosts = hostPart
		}
		db = path
	} else {
		db = strings.TrimPrefix(rest, "/")
	}
	db, err := url.PathUnescape(db)
	if err != nil {
		return "", fmt.Errorf("Invalid value for configuration connection.url: bad database name: %v", err)
	}
	params, err := url.ParseQuery(query)
	if err != nil {
		return "", fmt.Errorf("Invalid value for configuration connection.url: bad parameters: %v", err)
	}
	out := url.Values{}
	for k, vs := range params {
		if len(vs) == 0 {
			continue
		}
		v := vs[len(vs)-1]
		switch k {
		case "user":
			user, haveUser = v, true
		case "password":
			password, havePassword = v, true
		case "ssl":
			if v == "true" && out.Get("sslmode") == "" {
				out.Set("sslmode", "verify-full") // PgJDBC: ssl=true verifies the server
			}
		case "currentSchema":
			out.Set("search_path", v)
		case "targetServerType":
			m := map[string]string{"primary": "read-write", "master": "read-write", "secondary": "standby",
				"slave": "standby", "any": "any", "preferSecondary": "prefer-standby"}[v]
			if m != "" {
				out.Set("target_session_attrs", m)
			}
		default:
			if to, known := jdbcParams[k]; known {
				out.Set(to, v)
			}
		}
	}
	if db == "" && haveUser {
		db = user // PgJDBC's default database is the user's name
	}
	for _, h := range strings.Split(hosts, ",") {
		if h == "" {
			return "", fmt.Errorf("Invalid value for configuration connection.url: empty host in %q", hosts)
		}
	}
	u := url.URL{Scheme: "postgresql", Host: hosts, Path: "/" + db, RawQuery: out.Encode()}
	if haveUser && havePassword {
		u.User = url.UserPassword(user, password)
	} else if haveUser {
		u.User = url.User(user)
	} else if havePassword {
		u.User = url.UserPassword("", password)
	}
	return u.String(), nil
}

// redactURL hides a password given in a JDBC URL.
func redactURL(s string) string {
	i := strings.IndexByte(s, '?')
	if i < 0 {
		return s
	}
	parts := strings.Split(s[i+1:], "&")
	for j, p := range parts {
		if k, _, ok := strings.Cut(p, "="); ok && strings.EqualFold(k, "password") {
			parts[j] = k + "=[hidden]"
		}
	}
	return s[:i+1] + strings.Join(parts, "&")
}

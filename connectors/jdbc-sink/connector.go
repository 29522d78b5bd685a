package main

import (
	"context"

	sluice "sluice.dev/sdk/go"
)

// ClassName is what users put in connector.class; Confluent's class name is an alias, so a
// Kafka Connect config works unchanged.
const ClassName = "dev.sluice.connect.jdbc.JdbcSinkConnector"

// Aliases of ClassName.
var Aliases = []string{"io.confluent.connect.jdbc.JdbcSinkConnector", "JdbcSinkConnector", "JdbcSink"}

// Version of the connector.
const Version = "0.1.0"

// Connector is the JDBC sink connector: every task gets the connector's config.
type Connector struct{ config map[string]string }

func (c *Connector) Version() string           { return Version }
func (c *Connector) Config() *sluice.ConfigDef { return configDef }

func (c *Connector) Start(_ context.Context, _ sluice.ConnectorContext, config map[string]string) error {
	if _, err := parseSettings(config); err != nil {
		return err
	}
	c.config = config
	return nil
}

func (c *Connector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	return sluice.SameTaskConfigs(c.config, maxTasks), nil
}

func (c *Connector) Stop() error { return nil }

// lenientParse parses each key on its own (a value that does not parse is left out), so that
// the checks of several keys can run on what did parse.
func lenientParse(config map[string]string) sluice.ParsedConfig {
	p := sluice.ParsedConfig{}
	for _, k := range configDef.Keys() {
		text, ok := config[k.Name]
		if !ok {
			if k.DefaultText() == nil {
				continue
			}
			text = *k.DefaultText()
		}
		if v, err := sluice.ParseConfigValue(k, text); err == nil {
			p[k.Name] = v
		}
	}
	return p
}

// Validate adds the checks of several keys together to the ConfigDef's.
func (c *Connector) Validate(config map[string]string, results []sluice.ConfigValueResult) []sluice.ConfigValueResult {
	byName := map[string]*sluice.ConfigValueResult{}
	for i := range results {
		byName[results[i].Name] = &results[i]
	}
	add := func(key, msg string) {
		if r := byName[key]; r != nil && len(r.Errors) == 0 {
			r.Errors = append(r.Errors, msg)
		}
	}
	p := lenientParse(config)
	if _, ok := p["connection.url"]; !ok {
		p["connection.url"] = "jdbc:postgresql://localhost/" // checked by the ConfigDef already
	}
	for _, check := range crossChecks(p) {
		if check[1] == deletesNeedRecordKey {
			add("pk.mode", deletesNeedRecordKeyValidation)
			add("delete.enabled", deletesNeedRecordKeyValidation)
			continue
		}
		add(check[0], check[1])
	}
	return results
}

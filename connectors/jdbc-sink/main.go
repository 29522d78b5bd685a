package main

import sluice "sluice.dev/sdk/go"

// Plugin is the jdbc-sink plugin: one sink connector class, found by Confluent's class name too.
func Plugin() *sluice.Plugin {
	p := sluice.NewPlugin("jdbc-sink", Version)
	p.AddSink(ClassName, Aliases,
		func() sluice.Connector { return &Connector{} },
		func() sluice.SinkTask { return &Task{} }).TaskClassName = "dev.sluice.connect.jdbc.JdbcSinkTask"
	return p
}

func main() { sluice.Serve(Plugin()) }

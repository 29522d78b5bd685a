package main

import sluice "sluice.dev/sdk/go"

// Plugin is the http-sink plugin: one sink connector class.
func Plugin() *sluice.Plugin {
	p := sluice.NewPlugin("http-sink", Version)
	p.AddSink(ClassName, []string{"HttpSink", "HttpSinkConnector"},
		func() sluice.Connector { return &Connector{} },
		func() sluice.SinkTask { return &Task{} }).TaskClassName = "sluice.http.HttpSinkTask"
	return p
}

func main() { sluice.Serve(Plugin()) }

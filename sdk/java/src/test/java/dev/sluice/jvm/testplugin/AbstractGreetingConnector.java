package dev.sluice.jvm.testplugin;

import org.apache.kafka.connect.source.SourceConnector;

/** Not a connector the plugin provides: abstract (the class scan skips it). */
public abstract class AbstractGreetingConnector extends SourceConnector {}

package dev.sluice.jvm.host;

/** The JVM host's version (the Maven project's), reported in the Handshake as "java/VERSION". */
public final class HostVersion {
  public static final String VERSION = "0.1.0";

  private HostVersion() {}
}

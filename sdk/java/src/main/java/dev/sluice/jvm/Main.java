package dev.sluice.jvm;

/** Entry point of the JVM plugin host. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.err.println("sluice-jvm-host: " + dev.sluice.plugin.v1.HandshakeRequest.getDescriptor().getFullName());
  }
}

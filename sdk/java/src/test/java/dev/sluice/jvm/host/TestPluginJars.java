package dev.sluice.jvm.host;

import java.nio.file.Path;

/** The test plugin's jar, for tests outside this package. */
public final class TestPluginJars {
  private TestPluginJars() {}

  /** Writes the test plugin (two connectors, META-INF/services) at {@code jar}. */
  public static Path write(Path jar) throws java.io.IOException {
    return TestPlugins.writeJar(jar, true);
  }
}

package io.tally.serving.config;

import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.tally.serving.TallyApplication;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a configuration file from the file system, or, when no such file exists, from the
 * classpath: {@code server tally-serving.yml} works from a checkout and from the jar alike.
 */
public final class FileOrClasspathSourceProvider implements ConfigurationSourceProvider {
  @Override
  public InputStream open(String path) throws IOException {
    Path file = Path.of(path);
    if (Files.exists(file)) {
      return Files.newInputStream(file);
    }
    String resource = path.startsWith("/") ? path.substring(1) : path;
    InputStream in = TallyApplication.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new FileNotFoundException(
          "no configuration file " + path + " on the file system or the classpath");
    }
    return in;
  }
}

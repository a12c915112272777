package io.tally.it.support;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node Kafka broker, run by {@code bin/kafka} as its own process: started before the
 * first test that needs it (if it is not running already) and left running for the others; the test
 * command stops it at the end. Tests restart it through {@link #stop()} and {@link #start()}.
 */
public final class KafkaBroker implements BeforeAllCallback {
  public static final int PORT = Integer.parseInt(System.getProperty("tally.kafka.port", "19092"));

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  public static String bootstrapServers() {
    return "127.0.0.1:" + PORT;
  }

  public static void start() {
    Scripts.run(Map.of("TALLY_KAFKA_PORT", Integer.toString(PORT)), "bin/kafka", "start");
  }

  public static void stop() {
    Scripts.run(Map.of("TALLY_KAFKA_PORT", Integer.toString(PORT)), "bin/kafka", "stop");
  }

  /** Creates a topic (compacted when asked) unless it exists. */
  public static void createTopic(String name, int partitions, boolean compacted) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      NewTopic topic = new NewTopic(name, partitions, (short) 1);
      if (compacted) {
        topic.configs(
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      }
      admin.createTopics(Set.of(topic)).all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topic " + name, e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Where the project's scripts are. */
  static Path root() {
    return Path.of(System.getProperty("tally.root", "..")).toAbsolutePath().normalize();
  }

  /** Runs one of the project's scripts; its output. Fails loudly with the output when it fails. */
  static final class Scripts {
    static String run(Map<String, String> env, String... command) {
      ProcessBuilder builder = new ProcessBuilder(command).directory(root().toFile());
      builder.command().set(0, root().resolve(command[0]).toString());
      builder.environment().putAll(env);
      builder.redirectErrorStream(true);
      try {
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
          throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
      } catch (IOException e) {
        throw new IllegalStateException("cannot run " + command[0], e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private Scripts() {}
  }
}

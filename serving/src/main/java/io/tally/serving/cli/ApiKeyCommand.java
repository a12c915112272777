package io.tally.serving.cli;

import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import io.tally.serving.auth.Credential;
import io.tally.serving.auth.Roles;
import java.io.PrintStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code key}: makes a new random API key and prints it once, with the {@code auth.credentials}
 * entry that configures it. The service keeps only the key's SHA-256, so this is the one moment the
 * key itself is shown.
 */
public final class ApiKeyCommand extends Command {

  public ApiKeyCommand() {
    super("key", "Prints a new API key and the configuration entry (its SHA-256 and roles)");
  }

  @Override
  public void configure(Subparser subparser) {
    subparser
        .addArgument("--name")
        .setDefault("api-key")
        .help("the credential's name, shown in logs instead of the key");
    subparser
        .addArgument("--roles")
        .setDefault(String.join(",", new TreeSet<>(Roles.ALL)))
        .help("comma-separated roles among " + new TreeSet<>(Roles.ALL));
  }

  @Override
  public void run(Bootstrap<?> bootstrap, Namespace namespace) {
    Set<String> roles = roles(namespace.getString("roles"));
    String name = namespace.getString("name");
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException(
          "--name: 1 to 64 letters, digits, '.', '_' or '-' (it is written into YAML unquoted)");
    }
    print(System.out, name, roles, Credential.newKey());
  }

  /** The roles of a comma-separated list, each checked. */
  static Set<String> roles(String list) {
    Set<String> roles = new LinkedHashSet<>();
    for (String role : list.split(",")) {
      String trimmed = role.trim();
      if (!Roles.ALL.contains(trimmed)) {
        throw new IllegalArgumentException(
            "--roles: unknown role '" + trimmed + "'; roles are " + new TreeSet<>(Roles.ALL));
      }
      roles.add(trimmed);
    }
    return roles;
  }

  /** Prints {@code key} and the YAML entry of {@code auth.credentials} for it. */
  static void print(PrintStream out, String name, Set<String> roles, String key) {
    Credential credential = Credential.forKey(name, key, roles);
    out.println("API key (shown only now; keep it secret): " + key);
    out.println();
    out.println("Add this entry to the auth.credentials list of the service's configuration:");
    out.println();
    out.println("auth:");
    out.println("  credentials:");
    out.println("    - name: " + credential.getName());
    out.println("      sha256: " + credential.getSha256());
    out.println("      roles: [" + String.join(", ", List.copyOf(credential.getRoles())) + "]");
  }
}

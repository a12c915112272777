package io.tally.it.support;

import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real headless Chromium and its driver (Debian's chromium and chromium-driver), installed by
 * {@code bin/chromium} before the first test class that needs them, when they are missing.
 */
public final class Chromium implements BeforeAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) {
    KafkaBroker.Scripts.run(Map.of(), "bin/chromium", "install");
  }
}

package io.tally.runners.backfill;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Progress of a long job towards a known total, on standard error: a bar redrawn in place on a
 * terminal, plain lines every few seconds otherwise (logs, CI), so that neither fills the other
 * with noise.
 */
public final class Progress implements AutoCloseable {
  private static final int BAR_WIDTH = 30;

  public enum Style {
    auto,
    bar,
    lines,
    none;

    Style resolve() {
      if (this != auto) {
        return this;
      }
      // A console only when both standard input and output are terminals.
      return System.console() != null ? bar : lines;
    }
  }

  private final String what;
  private final long total;
  private final LongSupplier done;
  private final PrintStream out;
  private final Style style;
  private final long startNanos = System.nanoTime();
  private final ScheduledExecutorService ticker;

  private Progress(String what, long total, LongSupplier done, PrintStream out, Style style) {
    this.what = what;
    this.total = total;
    this.done = done;
    this.out = out;
    this.style = style;
    if (style == Style.none) {
      ticker = null;
      return;
    }
    ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "progress");
              thread.setDaemon(true);
              return thread;
            });
    long period = style == Style.bar ? 200 : 5_000;
    ticker.scheduleAtFixedRate(this::show, period, period, TimeUnit.MILLISECONDS);
  }

  /** Shows the progress of {@code done} out of {@code total} {@code what} until closed. */
  static Progress start(String what, long total, LongSupplier done, PrintStream out, Style style) {
    return new Progress(what, total, done, out, style.resolve());
  }

  private void show() {
    String line = line(what, total, done.getAsLong(), (System.nanoTime() - startNanos) / 1e9);
    if (style == Style.bar) {
      out.print('\r' + bar(total, done.getAsLong()) + ' ' + line + "   ");
    } else {
      out.println("progress: " + line);
    }
    out.flush();
  }

  static String bar(long total, long done) {
    int filled = total <= 0 ? BAR_WIDTH : (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
    return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "]";
  }

  static String line(String what, long total, long done, double seconds) {
    if (total > 0 && done >= total) {
      // Reading is over; the rest of the job (aggregation, writes) has no count to show.
      return String.format(
          Locale.ROOT, "100%% all %,d %s read, finishing (%.0f s)", done, what, seconds);
    }
    double rate = seconds > 0 ? done / seconds : 0;
    String percent =
        total > 0 ? String.format(Locale.ROOT, "%3d%% ", Math.min(100, done * 100 / total)) : "";
    String eta =
        rate > 0 && total > done
            ? String.format(Locale.ROOT, ", about %.0f s left", (total - done) / rate)
            : "";
    return String.format(
        Locale.ROOT, "%s%,d/%,d %s, %,.0f %s/s%s", percent, done, total, what, rate, what, eta);
  }

  @Override
  public void close() {
    if (ticker == null) {
      return;
    }
    ticker.shutdownNow();
    try {
      ticker.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    show();
    if (style == Style.bar) {
      out.println();
    }
  }
}

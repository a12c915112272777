package io.tally.runners.launch;

import io.tally.pipelines.TallyPipelineOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Pipeline options for the in-process runners: the embedded Flink runner (a local mini cluster in
 * this JVM, {@code --flinkMaster=[local]}) or the Direct runner, always streaming.
 */
public final class PipelineLaunch {

  private PipelineLaunch() {}

  /** The runner's Beam name for what a user may type: {@code flink}, {@code FlinkRunner}, … */
  public static String runnerName(String runner) {
    String r = runner.toLowerCase(Locale.ROOT);
    if (r.equals("flink") || r.equals("flinkrunner")) {
      return "FlinkRunner";
    }
    if (r.equals("direct") || r.equals("directrunner")) {
      return "DirectRunner";
    }
    throw new IllegalArgumentException(
        "unknown runner '" + runner + "': FlinkRunner or DirectRunner");
  }

  /**
   * Options for {@code runner} with {@code parallelism}, streaming; {@code extraArgs} are any
   * further Beam or runner options ({@code --maxBundleSize=…}) and win over these defaults.
   */
  public static TallyPipelineOptions options(
      String runner, int parallelism, List<String> givenArgs) {
    List<String> extraArgs = beamStyle(givenArgs);
    String name = runnerName(runner);
    List<String> args = new ArrayList<>();
    addDefault(args, extraArgs, "runner", name);
    addDefault(args, extraArgs, "streaming", "true");
    if (name.equals("FlinkRunner")) {
      addDefault(args, extraArgs, "flinkMaster", "[local]");
      addDefault(args, extraArgs, "parallelism", Integer.toString(parallelism));
      // The pipeline gathers each key's events per bundle before each of its two shuffles, so an
      // event waits about a bundle twice. 25 ms shortened the wait before de-duplication by about
      // 40% against 50 ms at the same throughput (docs/benchmarks.md); 10 ms cost 40% of it.
      addDefault(args, extraArgs, "maxBundleTimeMills", "25");
      addDefault(args, extraArgs, "maxBundleSize", "5000");
      // A bundle still open at a checkpoint ends before the barrier, its output sent downstream.
      // Otherwise the runner ends it during the snapshot and holds its output in a buffer that
      // it sends only when the next bundle starts or the next watermark arrives, while a
      // watermark update it had scheduled when it ended a bundle by time can still go out
      // first: the watermark then overtakes that output, and aggregation drops the events in
      // it as too late (events that had waited in a backlog, after a restore or under load).
      addDefault(args, extraArgs, "finishBundleBeforeCheckpointing", "true");
      // Never --fasterCopy=true: it also turns off the copy-on-write of Flink's heap state
      // backends, and the core updates the values it reads from state in place (de-duplication
      // tables, accumulators). A checkpoint then serializes values changed after its barrier,
      // each state at another moment, and a job restored from it counts some events twice
      // (KafkaPipelineRecoveryIT shows it).
      addDefault(args, extraArgs, "fasterCopy", "false");
      // No copy of each element between chained operators: no transform of the pipeline
      // changes an element it received or emitted (Beam's rule, which the direct runner checks).
      addDefault(args, extraArgs, "objectReuse", "true");
    } else {
      addDefault(args, extraArgs, "targetParallelism", Integer.toString(parallelism));
    }
    // One writer per slot for the history tier and the archive: each appends at most a batch a
    // second, and every insert is a part that ClickHouse merges again and again. Sixteen writers
    // at parallelism 1 cost the job 9% of its throughput (docs/benchmarks.md).
    addDefault(args, extraArgs, "tierWriters", Integer.toString(parallelism));
    args.addAll(extraArgs);
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new))
        .as(TallyPipelineOptions.class);
  }

  /**
   * The arguments with option names as Beam reads them: {@code --checkpoint-dir=x} becomes {@code
   * --checkpointDir=x}, so that the pipelines take their options in the kebab case of every other
   * Tally command, and in Beam's camel case as well. Values are left as they are.
   */
  public static List<String> beamStyle(List<String> args) {
    List<String> out = new ArrayList<>(args.size());
    for (String arg : args) {
      if (!arg.startsWith("--") || arg.length() < 3) {
        out.add(arg);
        continue;
      }
      int end = arg.indexOf('=');
      String name = end < 0 ? arg.substring(2) : arg.substring(2, end);
      StringBuilder camel = new StringBuilder(name.length());
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c == '-' && i + 1 < name.length() && i > 0) {
          camel.append(Character.toUpperCase(name.charAt(++i)));
        } else {
          camel.append(c);
        }
      }
      out.add("--" + camel + (end < 0 ? "" : arg.substring(end)));
    }
    return out;
  }

  private static void addDefault(
      List<String> args, List<String> extraArgs, String option, String value) {
    String prefix = "--" + option + "=";
    for (String extra : extraArgs) {
      if (extra.startsWith(prefix) || extra.equals("--" + option)) {
        return;
      }
    }
    args.add(prefix + value);
  }
}

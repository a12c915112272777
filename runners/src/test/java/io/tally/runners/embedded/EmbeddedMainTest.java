package io.tally.runners.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.pipelines.TallyPipelineOptions;
import io.tally.pipelines.synthetic.SyntheticSettings;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EmbeddedMainTest {

  private static EmbeddedMain parse(String... args) {
    EmbeddedMain main = new EmbeddedMain();
    new CommandLine(main).parseArgs(args);
    return main;
  }

  @Test
  void defaultsAreALiveStreamOnTheEmbeddedFlinkRunner() {
    EmbeddedMain main = parse();
    SyntheticSettings settings = main.settings();
    assertThat(settings.clock()).isEqualTo(SyntheticSettings.Clock.LIVE);
    assertThat(settings.rate()).isEqualTo(2_000);
    assertThat(settings.duplicateShare()).isEqualTo(0.05);
    assertThat(settings.maxDisorderMillis()).isEqualTo(5_000);
    assertThat(settings.lateShare()).isZero();
    assertThat(settings.hotKeySkew()).isZero();
    assertThat(settings.categories()).isEqualTo(1_000);
    assertThat(settings.maxEvents()).isZero();
    assertThat(main.port).isEqualTo(8080);
    assertThat(main.store).isEqualTo("embedded");

    TallyPipelineOptions options = main.pipelineOptions();
    assertThat(options.getRunner()).isEqualTo(FlinkRunner.class);
    assertThat(options.isStreaming()).isTrue();
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    assertThat(flink.getFlinkMaster()).isEqualTo("[local]");
    assertThat(flink.getParallelism()).isEqualTo(2);
    assertThat(options.getEarlyFiringDelay()).isEqualTo("100ms");
    assertThat(options.getDedupHorizon()).isEqualTo("10m");
  }

  @Test
  void parsesEveryGeneratorOptionAndPassesTheRestToBeam() {
    EmbeddedMain main =
        parse(
            "--rate=500",
            "--duplicates",
            "0.1",
            "--disorder=2s",
            "--late-share=0.01",
            "--hot-key-skew=1.2",
            "--categories=50",
            "--seed=7",
            "--max-events=1000",
            "--parallelism=1",
            "--port=9090",
            "--store=other",
            "--early-firing-delay=1s",
            "--dedup-horizon=1h",
            "--log-every=500ms",
            "--duration=1m",
            "--maxBundleSize=5000",
            "--autoWatermarkInterval=100");
    SyntheticSettings settings = main.settings();
    assertThat(settings.rate()).isEqualTo(500);
    assertThat(settings.duplicateShare()).isEqualTo(0.1);
    assertThat(settings.maxDisorderMillis()).isEqualTo(2_000);
    assertThat(settings.lateShare()).isEqualTo(0.01);
    assertThat(settings.hotKeySkew()).isEqualTo(1.2);
    assertThat(settings.categories()).isEqualTo(50);
    assertThat(settings.seed()).isEqualTo(7);
    assertThat(settings.maxEvents()).isEqualTo(1_000);
    assertThat(main.port).isEqualTo(9090);
    assertThat(main.store).isEqualTo("other");
    assertThat(main.logEveryMillis).isEqualTo(500);
    assertThat(main.durationMillis).isEqualTo(60_000);

    TallyPipelineOptions options = main.pipelineOptions();
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    assertThat(flink.getParallelism()).isEqualTo(1);
    assertThat(flink.getMaxBundleSize()).isEqualTo(5_000);
    assertThat(flink.getAutoWatermarkInterval()).isEqualTo(100);
    assertThat(options.getEarlyFiringDelay()).isEqualTo("1s");
    assertThat(options.getDedupHorizon()).isEqualTo("1h");
  }

  @Test
  void choosesTheDirectRunner() {
    assertThat(parse("--runner=DirectRunner").pipelineOptions().getRunner())
        .isEqualTo(DirectRunner.class);
    assertThat(parse("--runner", "direct").pipelineOptions().getRunner())
        .isEqualTo(DirectRunner.class);
    assertThatThrownBy(() -> parse("--runner=Spark").pipelineOptions())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsMalformedValues() {
    assertThatThrownBy(() -> parse("--rate=fast"))
        .isInstanceOf(CommandLine.ParameterException.class);
    assertThatThrownBy(() -> parse("--disorder=5 seconds"))
        .isInstanceOf(CommandLine.ParameterException.class);
    assertThatThrownBy(() -> parse("--duplicates=2").settings())
        .isInstanceOf(IllegalArgumentException.class);
  }
}

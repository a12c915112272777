package io.tally.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.pipelines.synthetic.SyntheticSettings;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PipelineBenchmarkTest {

  @Test
  void benchmarkOptionsReachTheFlinkRunner() {
    PipelineBenchmark benchmark = new PipelineBenchmark();
    new CommandLine(benchmark)
        .parseArgs("--events=1000", "--no-object-reuse", "--max-bundle-size=2000");
    assertThat(benchmark.settings().maxEvents()).isEqualTo(1_000);
    assertThat(benchmark.settings().clock()).isEqualTo(SyntheticSettings.Clock.SIMULATED);
    FlinkPipelineOptions flink = benchmark.pipelineOptions().as(FlinkPipelineOptions.class);
    assertThat(flink.getObjectReuse()).isFalse();
    assertThat(flink.getFasterCopy()).as("unsafe with checkpoints: off unless asked").isFalse();
    assertThat(flink.getMaxBundleSize()).isEqualTo(2_000);
    assertThat(flink.getMaxBundleTimeMills()).isEqualTo(1_000);
  }
}

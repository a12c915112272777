package io.tally.runners.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.junit.jupiter.api.Test;

class PipelineLaunchTest {
  @Test
  void flinkEndsOpenBundlesBeforeTheCheckpointBarrier() {
    FlinkPipelineOptions flink =
        PipelineLaunch.options("flink", 2, List.of()).as(FlinkPipelineOptions.class);
    assertThat(flink.getFinishBundleBeforeCheckpointing()).isTrue();
    assertThat(flink.getMaxBundleTimeMills()).isEqualTo(25);
    assertThat(flink.getParallelism()).isEqualTo(2);
  }

  @Test
  void aGivenOptionWinsOverTheDefault() {
    FlinkPipelineOptions flink =
        PipelineLaunch.options("flink", 2, List.of("--finishBundleBeforeCheckpointing=false"))
            .as(FlinkPipelineOptions.class);
    assertThat(flink.getFinishBundleBeforeCheckpointing()).isFalse();
  }
}

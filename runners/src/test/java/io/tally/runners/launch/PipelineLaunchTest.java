package io.tally.runners.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.pipelines.TallyPipelineOptions;
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

  @Test
  void theTiersGetOneWriterPerSlotUnlessTold() {
    assertThat(PipelineLaunch.options("flink", 3, List.of()).getTierWriters()).isEqualTo(3);
    assertThat(PipelineLaunch.options("direct", 2, List.of()).getTierWriters()).isEqualTo(2);
    TallyPipelineOptions told = PipelineLaunch.options("flink", 3, List.of("--tier-writers=8"));
    assertThat(told.getTierWriters()).isEqualTo(8);
  }
}

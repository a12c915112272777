package io.tally.it.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.it.ingest.TallyTestConfigs;
import io.tally.it.support.Chromium;
import io.tally.model.aggregate.MetricValue;
import io.tally.model.metric.AggregateFunction;
import io.tally.model.metric.MetricCatalog;
import io.tally.model.metric.MetricCatalogSource;
import io.tally.model.update.Timing;
import io.tally.model.update.WindowUpdate;
import io.tally.pipelines.AggregationPipeline;
import io.tally.pipelines.sinks.LogDeadLetters;
import io.tally.pipelines.sinks.WriteToHotStore;
import io.tally.pipelines.synthetic.SyntheticEventSource;
import io.tally.pipelines.synthetic.SyntheticSettings;
import io.tally.runners.launch.PipelineLaunch;
import io.tally.serving.TallyApplication;
import io.tally.serving.TallyConfiguration;
import io.tally.serving.TallyServer;
import io.tally.tiering.hot.InMemoryHotStore;
import io.tally.tiering.hot.SharedHotStores;
import java.io.File;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium, on the one-process mode's wiring: live synthetic
 * events through the streaming pipeline (Direct runner) into the in-memory hot store, and the
 * service reading it. The page must follow the live stream: values change while it is open.
 * Screenshots go to {@code target/dashboard/}.
 */
@ExtendWith(Chromium.class)
class DashboardIT {
  private static final String STORE = "dashboard-it-" + UUID.randomUUID();
  private static final Path SHOTS = Path.of("target", "dashboard");
  private static final Duration LIVE = Duration.ofSeconds(120);

  private static TallyServer server;
  private static PipelineResult pipeline;
  private static ChromeDriver browser;
  private static Path profile;

  @BeforeAll
  static void start() throws Exception {
    TallyConfiguration config = TallyTestConfigs.service(STORE, null);
    config.getSubscriptions().setSavedQueriesFile("target/" + STORE + "/saved-queries.json");
    server = TallyServer.start(new TallyApplication(), config);

    Pipeline live =
        Pipeline.create(PipelineLaunch.options("DirectRunner", 2, List.of("--blockOnRun=false")));
    AggregationPipeline.build(
        live,
        SyntheticEventSource.read(
            SyntheticSettings.live(150).withCategories(8).anchoredAt(System.currentTimeMillis())),
        MetricCatalogSource.fixed(MetricCatalog.defaults()),
        WriteToHotStore.to(SharedHotStores.provider(STORE)),
        LogDeadLetters.sampled());
    pipeline = live.run();

    profile = Files.createTempDirectory("dashboard-it-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(System.getProperty("tally.chromium", "/usr/bin/chromium"));
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,860",
        "--user-data-dir=" + profile);
    int port = Integer.getInteger("tally.chromedriver.port", 0);
    ChromeDriverService.Builder driver =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(
                new File(System.getProperty("tally.chromedriver", "/usr/bin/chromedriver")));
    browser =
        new ChromeDriver(
            (port == 0 ? driver.usingAnyFreePort() : driver.usingPort(port)).build(), options);
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (pipeline != null) {
      pipeline.cancel();
    }
    if (server != null) {
      server.close();
    }
    SharedHotStores.remove(STORE);
  }

  @Test
  void theDashboardShowsLiveLeaderboardsAndCountersThatChangeAsEventsArrive() throws Exception {
    browser.get("http://localhost:" + server.port() + "/?metric=top_entities_by_category");
    WebDriverWait wait = new WebDriverWait(browser, LIVE);
    wait.until(b -> text("status").equals("live") && rows().size() >= 3);

    // Live: the counters move while we watch, without a reload.
    long updates = number(text("kpi-updates"));
    String events = text("kpi-events");
    wait.until(b -> number(text("kpi-updates")) > updates && !text("kpi-events").equals(events));

    assertThat(text("description"))
        .isEqualTo("The 10 most frequent entity values by category, over 5m windows every 1m.");
    assertLeaderboard();
    assertThat(browser.findElements(By.cssSelector("#chart svg path.line"))).hasSize(1);
    assertThat(browser.findElements(By.cssSelector("#chart svg circle"))).isNotEmpty();
    screenshot("top-entities.png");

    // Another metric: a counter per category; its leaderboard ranks the categories.
    new Select(browser.findElement(By.id("metric"))).selectByValue("events_by_category");
    wait.until(
        b ->
            text("status").equals("live")
                && rows().size() >= 3
                && rows().get(0).get("name").contains("/"));
    long counted = number(text("kpi-value"));
    wait.until(b -> number(text("kpi-value")) > counted);
    assertLeaderboard();
    assertThat(browser.getCurrentUrl()).contains("metric=events_by_category");
    screenshot("events-by-category.png");
  }

  /**
   * A count window that two versions of a changed definition computed, each over its own events, is
   * one window on the page: its value is their events together, not one version's nor the merged
   * window plus a version's.
   */
  @Test
  void aWindowOfTwoVersionsIsShownOnceWithTheEventsOfBoth() throws Exception {
    String category = "versions/it-" + System.nanoTime();
    long minute = System.currentTimeMillis() / 60_000 * 60_000;
    InMemoryHotStore store = SharedHotStores.named(STORE);
    store.apply(count(1, category, minute, 2));
    browser.get(
        "http://localhost:"
            + server.port()
            + "/?metric=events_by_category&category="
            + URLEncoder.encode(category, StandardCharsets.UTF_8));
    WebDriverWait wait = new WebDriverWait(browser, LIVE);
    wait.until(b -> text("status").equals("live") && number(text("kpi-value")) == 2);

    store.apply(count(2, category, minute, 1));
    wait.until(b -> number(text("kpi-updates")) >= 2);
    // The page redraws a quarter of a second after an update; the second one has arrived.
    wait.until(b -> number(text("kpi-value")) != 2);
    assertThat(number(text("kpi-value"))).isEqualTo(3);
    assertThat(rows()).hasSize(1);
    screenshot("two-versions.png");
  }

  private static WindowUpdate count(long version, String category, long start, long events) {
    return new WindowUpdate(
        "events_by_category",
        version,
        AggregateFunction.COUNT,
        List.of("category"),
        List.of(category),
        start,
        start + 60_000,
        new MetricValue.Scalar(events),
        events,
        Timing.EARLY,
        false,
        0,
        null);
  }

  /** The leaderboard's rows, read in one go (the page redraws it as updates arrive). */
  @SuppressWarnings("unchecked")
  private static List<Map<String, String>> rows() {
    return (List<Map<String, String>>)
        browser.executeScript(
            "return [...document.querySelectorAll('#leaderboard li')].map(li => ({"
                + " name: li.querySelector('.name').textContent,"
                + " count: li.querySelector('.count').textContent,"
                + " width: li.querySelector('.fill').style.width }));");
  }

  private static void assertLeaderboard() {
    List<Map<String, String>> rows = rows();
    List<Long> counts = rows.stream().map(r -> number(r.get("count"))).toList();
    assertThat(counts).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    assertThat(counts.get(0)).isPositive();
    assertThat(rows).allSatisfy(r -> assertThat(r.get("name")).isNotBlank());
    // The leader's bar is full; the others are in proportion.
    assertThat(rows.get(0).get("width")).isEqualTo("100%");
  }

  private static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  /** A number as the page shows it: "1,234", "12.5k", "2M". */
  private static long number(String shown) {
    String plain = shown.replace(",", "").trim();
    if (plain.isEmpty() || plain.equals("–")) {
      return -1;
    }
    double scale = plain.endsWith("k") ? 1e3 : plain.endsWith("M") ? 1e6 : 1;
    if (scale != 1) {
      plain = plain.substring(0, plain.length() - 1);
    }
    return Math.round(Double.parseDouble(plain) * scale);
  }

  private static void screenshot(String name) throws Exception {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), SHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }
}

package io.stagdb.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.api.Dto;
import io.stagdb.client.StagDbApiException;
import io.stagdb.client.StagDbClient;
import io.stagdb.domain.testkit.TestHost;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser (Debian's Chromium through its chromedriver, headless) against
 * a real server with real PostgreSQL databases. A user enters a key, creates a database, snapshots
 * it, branches the snapshot, finds the branch under its snapshot in the tree, resets it, follows its
 * log and sees a line the test caused, and deletes it all with cascade; each step is checked through
 * the API too. A bad key, and a server that goes away while the page is open, each get a clear
 * message. The main views are saved as screenshots (to docs/console/ with STAGDB_TEST_SCREENSHOTS=update).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {
  private static final String PURPOSE = "console";
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration STEP = Duration.ofMinutes(3);
  private static final String DB = "console-db";
  private static final String SNAPSHOT = "console-snap";
  private static final String BRANCH = "console-branch";

  private static Map<String, String> settings;
  private static ServerProcess server;
  private static String url;
  private static String admin;
  private static StagDbClient api;
  private static Path profile;

  private ChromeDriver browser;
  private WebDriverWait await;

  @BeforeAll
  static void startServer() throws Exception {
    TestHost.requireZfsAndDocker();
    TestHost.requireImage("stagdb-test/postgres:15");
    TestHost.require(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Chromium and its driver (apt-get install chromium chromium-driver; scripts/test-tools installs them)");
    settings = TestServers.settings(PURPOSE, TestServers.freePort());
    startServerProcess();
    admin = server.adminKey();
    api = StagDbClient.create(URI.create(url), admin);
  }

  private static void startServerProcess() throws Exception {
    List<String> command = new ArrayList<>(List.of("java", "-jar", ServerProcess.jar().toString(), "serve"));
    command.addAll(TestServers.setArguments(settings));
    server = ServerProcess.start(command, Map.of(), Path.of("."));
    url = server.awaitUrl(Duration.ofMinutes(5));
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.stop();
    }
    TestServers.cleanUp(PURPOSE);
  }

  @BeforeEach
  void openBrowser() throws Exception {
    profile = Files.createTempDirectory("stagdb-console-chromium");
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        "--window-size=1280,800", "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
    await = new WebDriverWait(browser, STEP, Duration.ofMillis(200));
  }

  @AfterEach
  void closeBrowser() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    TestHost.exec(List.of("rm", "-rf", profile.toString()));
  }

  @Test
  @Order(1)
  void aBadKeyGetsAClearMessageAndNoHalfLoadedPage() {
    browser.get(url + "/");
    enterKey("stagdb_k000000000000_" + "x".repeat(40));
    WebElement error = await.until(d -> {
      WebElement e = d.findElement(By.id("key-error"));
      return e.getText().contains("did not accept") ? e : null;
    });
    assertThat(error.getText()).contains("The server did not accept this key");
    assertThat(browser.findElement(By.id("nav")).isDisplayed()).as("no navigation before a key is accepted").isFalse();
    assertThat(browser.findElements(By.cssSelector("main table, main .tree"))).isEmpty();
    assertThat(browser.findElement(By.id("key")).getAttribute("aria-invalid")).isEqualTo("true");
  }

  @Test
  @Order(2)
  void aUserCreatesSnapshotsBranchesResetsFollowsTheLogAndDeletesWithCascade() throws Exception {
    signIn();

    // 2. create: first a memory the server refuses (the problem shown at its field, nothing made), then a good one
    browser.get(url + "/#/create");
    WebElement name = await.until(ExpectedConditions.visibilityOfElementLocated(By.id("f-name")));
    name.sendKeys(DB);
    new Select(browser.findElement(By.id("f-type"))).selectByValue("postgresql");
    new Select(browser.findElement(By.id("f-version"))).selectByValue("15");
    WebElement memory = browser.findElement(By.id("f-config.memory"));
    memory.sendKeys("64m");
    screenshot("create");
    browser.findElement(By.cssSelector("form button[type=submit]")).click();
    WebElement memoryError = await.until(d -> {
      WebElement e = d.findElement(By.cssSelector("[data-error='config.memory']"));
      return e.getText().isBlank() ? null : e;
    });
    assertThat(memoryError.getText()).contains("memory");
    assertThat(memory.getAttribute("aria-invalid")).isEqualTo("true");
    assertThatThrownBy(() -> api.getDatabase(DB)).isInstanceOfSatisfying(StagDbApiException.class,
        e -> assertThat(e.status()).isEqualTo(404));
    memory.clear();
    memory.sendKeys("512m");
    WebElement settings = browser.findElement(By.id("f-config.settings"));
    settings.sendKeys("no_such_parameter=1");   // the engine refuses it: shown at its field, nothing made
    browser.findElement(By.cssSelector("form button[type=submit]")).click();
    WebElement settingsError = await.until(d -> {
      WebElement e = d.findElement(By.cssSelector("[data-error='config.settings']"));
      return e.getText().isBlank() ? null : e;
    });
    assertThat(settingsError.getText()).contains("unrecognized configuration parameter");
    assertThatThrownBy(() -> api.getDatabase(DB)).isInstanceOfSatisfying(StagDbApiException.class,
        e -> assertThat(e.status()).isEqualTo(404));
    settings.clear();
    settings.sendKeys("work_mem=8MB");
    browser.findElement(By.id("f-config.extensions")).sendKeys("pg_trgm");
    browser.findElement(By.cssSelector("form button[type=submit]")).click();
    await.until(ExpectedConditions.urlContains("#/databases/" + DB));
    await.until(ExpectedConditions.textToBe(By.id("status"), "running"));
    Dto.Database db = api.getDatabase(DB);
    assertThat(db.status()).isEqualTo("running");
    assertThat(db.resources().memory()).isEqualTo("512m");
    assertThat(db.extensions()).containsExactly("pg_trgm");
    assertThat(db.settings()).containsEntry("work_mem", "8MB");

    // its page: connection string masked until revealed; stats arrive
    WebElement connection = browser.findElement(By.cssSelector("[data-connection='" + DB + "']"));
    assertThat(connection.getText()).contains("••••••").doesNotContain(db.connection().password());
    await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("stats-storage"), "referenced"));
    browser.findElement(By.cssSelector("button[aria-label='Reveal the password of " + DB + "']")).click();
    assertThat(connection.getText()).isEqualTo(db.url());
    browser.findElement(By.cssSelector("button[aria-label='Reveal the password of " + DB + "']")).click();
    write(db, "create table seen_in_snapshot(id int); insert into seen_in_snapshot values (1)");

    // 3. snapshot it
    click("snapshot", DB);
    fillDialog(Map.of("name", SNAPSHOT));
    awaitNotice("Snapshot " + SNAPSHOT + " of " + DB + " taken");
    assertThat(api.getSnapshot(SNAPSHOT).database()).isEqualTo(DB);

    // 4. branch it, from the lineage tree
    browser.get(url + "/#/lineage");
    await.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("li[data-node='snapshot:" + SNAPSHOT + "']")));
    browser.findElement(By.cssSelector("button[data-action=branch][data-target='" + SNAPSHOT + "']")).click();
    fillDialog(Map.of("name", BRANCH, "ttl", "2h"));
    awaitNotice("Branch " + BRANCH + " is running");
    Dto.Database branch = api.getDatabase(BRANCH);
    assertThat(branch.status()).isEqualTo("running");
    assertThat(branch.origin()).isEqualTo(SNAPSHOT);
    assertThat(branch.expiresAt()).isNotNull();

    // 5. the branch sits in the tree under its snapshot, which sits under its database
    WebElement nested = await.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(
        "li[data-node='database:" + DB + "'] > ul > li[data-node='snapshot:" + SNAPSHOT + "'] > ul > li[data-node='database:" + BRANCH + "']")));
    assertThat(nested.getText()).contains(BRANCH, "running");
    screenshot("lineage");
    theme("dark");
    screenshot("lineage-dark");
    theme("light");
    browser.get(url + "/#/databases");
    await.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-database='" + BRANCH + "']")));
    screenshot("databases");
    browser.get(url + "/#/lineage");
    await.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("li[data-node='database:" + BRANCH + "']")));

    // 6. reset it: a table made in the branch is gone, the snapshot's data is there
    write(branch, "create table made_in_branch(id int)");
    click("reset", BRANCH);
    fillDialog(Map.of());
    awaitNotice(BRANCH + " is back at " + SNAPSHOT);
    branch = api.getDatabase(BRANCH);
    assertThat(branch.status()).isEqualTo("running");
    assertThat(tables(branch)).contains("seen_in_snapshot").doesNotContain("made_in_branch");

    // 7. follow its log: a line this test causes appears while the page is open
    browser.get(url + "/#/databases/" + BRANCH);
    await.until(ExpectedConditions.textToBe(By.id("log-state"), "following"));
    await.until(d -> !d.findElement(By.id("log")).getText().isBlank());
    String probe = "console_probe_" + UUID.randomUUID().toString().substring(0, 8);
    try {
      write(branch, "select * from " + probe);
    } catch (SQLException expected) {
      assertThat(expected.getMessage()).contains(probe);
    }
    await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), probe));
    await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("stats-storage"), "referenced"));
    screenshot("database");
    assertThat(api.logs(BRANCH, 200)).contains(probe);

    // 8. delete the database with cascade: the dialog names what goes with it
    browser.get(url + "/#/lineage");
    await.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("li[data-node='database:" + BRANCH + "']")));
    click("delete", DB);
    WebElement dialog = await.until(ExpectedConditions.visibilityOfElementLocated(By.id("dialog")));
    assertThat(dialog.getText()).contains("This also deletes", "snapshot " + SNAPSHOT, "branch " + BRANCH);
    screenshot("delete");
    dialog.findElement(By.cssSelector("button[type=submit]")).click();
    awaitNotice(DB + " deleted, with snapshot " + SNAPSHOT + ", branch " + BRANCH);
    for (String gone : List.of(DB, BRANCH)) {
      assertThatThrownBy(() -> api.getDatabase(gone)).as(gone).isInstanceOfSatisfying(StagDbApiException.class,
          e -> assertThat(e.status()).isEqualTo(404));
    }
    assertThat(api.allSnapshots()).extracting(Dto.Snapshot::name).doesNotContain(SNAPSHOT);
    await.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("li[data-node='database:" + DB + "']")));
  }

  @Test
  @Order(3)
  void itIsReachableByKeyboardAndFollowsTheSystemsDarkTheme() throws Exception {
    signIn();
    String light = browser.findElement(By.tagName("body")).getCssValue("background-color");
    WebElement lineage = browser.findElement(By.cssSelector("nav a[href='#/lineage']"));
    var keys = new org.openqa.selenium.interactions.Actions(browser);
    ((JavascriptExecutor) browser).executeScript("document.activeElement.blur()");   // from the top of the page
    for (int i = 0; i < 10 && !lineage.equals(browser.switchTo().activeElement()); i++) {
      keys.sendKeys(org.openqa.selenium.Keys.TAB).perform();
    }
    assertThat(browser.switchTo().activeElement()).as("Tab reaches the navigation").isEqualTo(lineage);
    keys.sendKeys(org.openqa.selenium.Keys.ENTER).perform();
    await.until(ExpectedConditions.textToBe(By.tagName("h1"), "Lineage"));

    theme("dark");
    String dark = browser.findElement(By.tagName("body")).getCssValue("background-color");
    assertThat(dark).as("the dark theme's background").isNotEqualTo(light);
  }

  private void theme(String scheme) {
    browser.executeCdpCommand("Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
  }

  @Test
  @Order(4)
  void anAdminCreatesAKeySeenOnceAndRevokesItAndSeesTheWebhooks() throws Exception {
    Dto.Webhook hook = api.createWebhook(new Dto.CreateWebhook("http://192.0.2.10:9/stagdb", List.of("database.created"), null));
    signIn();
    browser.get(url + "/#/admin");
    WebElement card = await.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-webhook='" + hook.id() + "']")));
    assertThat(card.getText()).contains("http://192.0.2.10:9/stagdb", "database.created", "No deliveries yet");
    await.until(ExpectedConditions.visibilityOfElementLocated(By.id("k-name"))).sendKeys("console-ci");
    new Select(browser.findElement(By.id("k-scope"))).selectByValue("metrics");
    browser.findElement(By.cssSelector("#k-name")).submit();
    WebElement token = await.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-value")));
    assertThat(token.getText()).startsWith("stagdb_");
    Dto.ApiKey made = api.apiKeys().stream().filter(k -> k.name().equals("console-ci")).findFirst().orElseThrow();
    assertThat(made.scope()).isEqualTo("metrics");
    assertThat(token.getText()).contains(made.id());
    screenshot("keys");
    browser.findElement(By.cssSelector("button[aria-label='Revoke key console-ci']")).click();
    await.until(ExpectedConditions.visibilityOfElementLocated(By.id("dialog"))).findElement(By.cssSelector("button[type=submit]")).click();
    awaitNotice("Key console-ci revoked");
    assertThat(api.apiKeys().stream().filter(k -> k.id().equals(made.id())).findFirst().orElseThrow().revokedAt()).isNotNull();
    assertThat(browser.findElements(By.id("token-value"))).as("the token is shown once").isEmpty();
    api.deleteWebhook(hook.id());
  }

  @Test
  @Order(5)
  void aServerThatGoesAwayIsShownWithARetryThatWorksOnceItIsBack() throws Exception {
    signIn();
    browser.get(url + "/#/databases");
    await.until(ExpectedConditions.textToBe(By.tagName("h1"), "Databases"));
    server.stop();
    browser.findElement(By.cssSelector("nav a[href='#/lineage']")).click();
    WebElement notice = await.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#notice.offline")));
    assertThat(notice.getText()).contains("Cannot reach the stagDB server");
    assertThat(browser.findElement(By.tagName("h1")).getText()).as("no half-loaded page").isEqualTo("Not loaded");
    assertThat(browser.findElements(By.cssSelector("main .tree"))).isEmpty();

    startServerProcess();   // the same port, data directory and catalog: the key still works
    notice.findElement(By.xpath(".//button[text()='Retry']")).click();
    await.until(ExpectedConditions.textToBe(By.tagName("h1"), "Lineage"));
    assertThat(browser.findElement(By.id("notice")).isDisplayed()).isFalse();
  }

  // ---- helpers ---------------------------------------------------------------------------

  private void signIn() {
    browser.get(url + "/");
    enterKey(admin);
    await.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav")));
    await.until(ExpectedConditions.textToBe(By.tagName("h1"), "Databases"));
  }

  private void enterKey(String key) {
    WebElement input = await.until(ExpectedConditions.visibilityOfElementLocated(By.id("key")));
    input.sendKeys(key);
    input.submit();
  }

  private void click(String action, String target) {
    await.until(ExpectedConditions.elementToBeClickable(
        By.cssSelector("button[data-action=" + action + "][data-target='" + target + "']"))).click();
  }

  /** Fills the open dialog's fields by name and submits it. */
  private void fillDialog(Map<String, String> values) {
    WebElement dialog = await.until(ExpectedConditions.visibilityOfElementLocated(By.id("dialog")));
    values.forEach((field, value) -> {
      WebElement input = dialog.findElement(By.name(field));
      input.clear();
      input.sendKeys(value);
    });
    dialog.findElement(By.cssSelector("button[type=submit]")).click();
  }

  private void awaitNotice(String text) {
    await.until(d -> {
      WebElement n = d.findElement(By.id("notice"));
      if (n.getAttribute("class").contains("error")) {
        throw new AssertionError("the console showed an error: " + n.getText());
      }
      return n.isDisplayed() && n.getText().contains(text);
    });
  }

  private static void write(Dto.Database db, String sql) throws SQLException {
    try (Connection jdbc = TestServers.connect(db); Statement s = jdbc.createStatement()) {
      s.execute(sql);
    }
  }

  private static List<String> tables(Dto.Database db) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection jdbc = TestServers.connect(db); Statement s = jdbc.createStatement();
         var rs = s.executeQuery("select tablename from pg_tables where schemaname = 'public'")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  /** Saves the page as target/console/NAME.png, and into docs/console/ when STAGDB_TEST_SCREENSHOTS=update. */
  private void screenshot(String name) throws Exception {
    ((JavascriptExecutor) browser).executeScript("document.activeElement && document.activeElement.blur && document.activeElement.blur()");
    Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
    Path target = Files.createDirectories(Path.of("target/console")).resolve(name + ".png");
    Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
    if ("update".equals(System.getenv("STAGDB_TEST_SCREENSHOTS"))) {
      Path docs = Files.createDirectories(Path.of("..", "docs", "console"));
      Files.copy(shot, docs.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
  }
}

package io.stagdb.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.testkit.TestHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * openapi.json linted by Spectral with its standard OpenAPI ruleset ({@code .spectral.yaml} at the
 * repository's root): no error and no warning. Spectral comes from scripts/test-tools.
 */
class OpenApiLintIT {
  private static final Path SPECTRAL = Path.of("/var/cache/stagdb-tools/spectral/node_modules/.bin/spectral");
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @Test
  void theStandardRulesetFindsNothing() {
    TestHost.require(Files.isExecutable(SPECTRAL), "Spectral (scripts/test-tools installs it)");
    Path spec = REPO.resolve("stagdb-http/src/main/resources/io/stagdb/http/openapi.json");
    TestHost.Result lint = TestHost.exec(List.of(SPECTRAL.toString(), "lint", "--ruleset",
        REPO.resolve(".spectral.yaml").toString(), "--fail-severity", "warn", "--format", "text", spec.toString()),
        Duration.ofMinutes(2));
    assertThat(lint.ok()).as("spectral lint:%n%s%s", lint.stdout(), lint.stderr()).isTrue();
    assertThat(lint.stdout() + lint.stderr()).doesNotContain(" error ").doesNotContain(" warning ");
  }
}

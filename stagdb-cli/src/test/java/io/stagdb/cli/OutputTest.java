package io.stagdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.api.Dto;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputTest {
  private final StringWriter text = new StringWriter();
  private final Instant now = Instant.parse("2026-12-01T12:00:00Z");

  private Output output(Output.Format format) {
    return new Output(new PrintWriter(text, true), format, now);
  }

  @Test
  void tablesAlignOnTheWidestCellWithoutTrailingBlanks() {
    output(Output.Format.TABLE).table(List.of("NAME", "STATUS"), List.of(List.of("a-long-name", "running"),
        List.of("b", "")));
    assertThat(text.toString().lines().toList()).containsExactly(
        "NAME         STATUS",
        "a-long-name  running",
        "b            -");
  }

  @Test
  void durationsAndSizesReadAsPeopleSayThem() {
    assertThat(Output.duration(Duration.ofMillis(430))).isEqualTo("0.4 s");
    assertThat(Output.duration(Duration.ofSeconds(42))).isEqualTo("42 s");
    assertThat(Output.duration(Duration.ofSeconds(185))).isEqualTo("3m 05s");
    assertThat(Output.duration(Duration.ofMinutes(130))).isEqualTo("2h 10m");
    assertThat(Output.duration(Duration.ofHours(76))).isEqualTo("3d 4h");
    assertThat(Output.bytes(512L)).isEqualTo("512 B");
    assertThat(Output.bytes(12_900_000L)).isEqualTo("12.3 MB");
    assertThat(Output.bytes(1_288_490_189L)).isEqualTo("1.20 GB");
    assertThat(Output.bytes(null)).isEqualTo("n/a");
    Output out = output(Output.Format.TABLE);
    assertThat(out.ago("2026-12-01T11:57:00Z")).isEqualTo("3m 00s ago");
    assertThat(out.until("2026-12-01T14:00:00Z")).isEqualTo("in 2h 00m");
    assertThat(out.until("2026-12-01T11:00:00Z")).isEqualTo("expired");
  }

  @Test
  void jsonModePrintsTheApiObjectAndNothingForPeople() throws Exception {
    Dto.Database db = new Dto.Database("db-1", "app", "postgresql", "16", "running", null,
        new Dto.Connection("127.0.0.1", 5432, "postgres", "secret", "postgres"), "postgresql://postgres:secret@127.0.0.1:5432/postgres",
        new Dto.Resources("1g", "1", "10g"), null, null, Map.of(), "2026-12-01T11:00:00Z", "2026-12-01T11:00:00Z");
    Output out = output(Output.Format.JSON);
    out.say("not in JSON");
    out.print(db, () -> out.say("human"));
    Dto.Database back = io.stagdb.api.Json.lenientMapper().readValue(text.toString(), Dto.Database.class);
    assertThat(back).isEqualTo(db);
    assertThat(text.toString()).doesNotContain("not in JSON").doesNotContain("human");
  }
}

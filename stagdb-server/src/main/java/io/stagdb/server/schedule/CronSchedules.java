package io.stagdb.server.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.port.out.Schedules;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** Refresh schedules as Unix cron expressions (five fields: minute hour day-of-month month day-of-week), in UTC, read by cron-utils. */
public final class CronSchedules implements Schedules {
  private final CronParser parser = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  @Override
  public void check(String field, String expression) {
    Cron cron = parse(field, expression);
    if (ExecutionTime.forCron(cron).nextExecution(ZonedDateTime.now(ZoneOffset.UTC)).isEmpty()) {
      throw new InvalidRequestException(field, "'" + shorten(expression) + "' never comes round");
    }
  }

  @Override
  public Instant next(String expression, Instant after) {
    return ExecutionTime.forCron(parse("source.refresh", expression))
        .nextExecution(ZonedDateTime.ofInstant(after, ZoneOffset.UTC)).map(ZonedDateTime::toInstant).orElse(Instant.MAX);
  }

  private Cron parse(String field, String expression) {
    try {
      return parser.parse(expression).validate();
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(field, "is not a cron expression of five fields, minute hour day month "
          + "weekday, e.g. '0 3 * * *' for 03:00 UTC every day: " + shorten(e.getMessage()));
    }
  }

  private static String shorten(String text) {
    return text == null ? "" : text.length() > 120 ? text.substring(0, 120) + "…" : text;
  }
}

package io.stagdb.zfs;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.error.StagDbException;
import java.util.Arrays;
import java.util.List;

/** Translates what the zfs command says (exit status and stderr) into the domain's errors. */
final class ZfsErrors {
  private ZfsErrors() {
  }

  /** From the CLI: exit status 1 is an error described on stderr, 2 a usage error (a bug on our side). */
  static StagDbException fromCli(String operation, String dataset, int exitCode, String stderr) {
    String text = stderr.strip();
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    if (lower.contains("does not exist") || lower.contains("no such pool") || lower.contains("could not find any snapshots")) {
      return new NotFoundException("dataset", dataset);
    }
    if (lower.contains("already exists")) {
      return ConflictException.alreadyExists("dataset", dataset);
    }
    if (lower.contains("dependent clones") || lower.contains("has children") || lower.contains("more recent snapshots") || lower.contains("clones of previous snapshots")) {
      return new ConflictException(ConflictException.Reason.HAS_DEPENDENTS,
          "zfs " + operation + " " + dataset + ": " + firstLine(text), dependents(text), null);
    }
    if (lower.contains("dataset is busy") || lower.contains("pool is busy")) {
      return new ConflictException(ConflictException.Reason.BUSY, "zfs " + operation + " " + dataset + ": dataset is busy");
    }
    if (lower.contains("out of space") || lower.contains("quota exceeded")) {
      return new InfrastructureException("zfs " + operation + " " + dataset + ": out of space");
    }
    String kind = exitCode == 2 ? "usage error (a stagDB bug)" : "failed (exit " + exitCode + ")";
    return new InfrastructureException("zfs " + operation + " " + dataset + " " + kind + ": " + firstLine(text));
  }

  /** The datasets OpenZFS lists after "use '-R' to destroy the following datasets:". */
  private static List<String> dependents(String text) {
    int marker = text.indexOf("datasets:");
    if (marker < 0) {
      return List.of();
    }
    return Arrays.stream(text.substring(marker + "datasets:".length()).split("\n")).map(String::strip)
        .filter(s -> !s.isEmpty()).toList();
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}

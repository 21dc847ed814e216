package io.stagdb.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A stagDB server in a process of its own, as users run it: its output is read for the URL and the first admin key. */
final class ServerProcess implements AutoCloseable {
  private static final Pattern UP = Pattern.compile("is up: (https?://\\S+)");
  private static final Pattern KEY = Pattern.compile("Admin API key \\(shown once, keep it\\): (stagdb_\\S+)");

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private ServerProcess(Process process) {
    this.process = process;
    reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          output.add(line);
        }
      } catch (IOException ended) {
        // the process is gone
      }
    }, "server-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** The packaged server jar of this build ({@code java -jar} it, with lib/ beside it). */
  static Path jar() {
    try (var files = Files.list(Path.of("target"))) {
      return files.filter(p -> p.getFileName().toString().matches("stagdb-server-.*\\.jar")
          && !p.getFileName().toString().contains("tests")).findFirst()
          .orElseThrow(() -> new IllegalStateException("no packaged stagdb-server jar in target/ (run mvn package)"))
          .toAbsolutePath();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static ServerProcess start(List<String> command, Map<String, String> env, Path directory) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("STAGDB_") && !k.equals("STAGDB_REQUIRE_INFRA"));
    builder.environment().putAll(env);
    Process process = builder.start();
    // an interrupted test run (Ctrl-C, SIGTERM) takes its servers along; the next run's sweep does the rest
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "stop-server-process"));
    return new ServerProcess(process);
  }

  /** Waits for the "is up" line; fails with the output if the process dies or takes longer than {@code timeout}. */
  String awaitUrl(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : output) {
        Matcher m = UP.matcher(line);
        if (m.find()) {
          return m.group(1);
        }
      }
      if (!process.isAlive()) {
        throw new AssertionError("the server exited with " + process.exitValue() + ":\n" + output());
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the server did not come up within " + timeout + ":\n" + output());
  }

  /** The admin key printed on first start (just after the URL). */
  String adminKey() throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (String line : output) {
        Matcher m = KEY.matcher(line);
        if (m.find()) {
          return m.group(1);
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no admin key printed:\n" + output());
  }

  /** SIGKILL: no shutdown hook, no clean-up; whatever was in flight is left half-done. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM and wait: the graceful path. (Not Process.destroy(): it also closes our end of the output pipe.) */
  int stop() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the server did not stop within 60 s after SIGTERM:\n" + output());
    }
    reader.join(10_000);   // the last lines it wrote
    return process.exitValue();
  }

  String output() {
    return String.join("\n", output);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}

package io.stagdb.http;

import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import io.stagdb.domain.port.out.LogFollower;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Followed logs as Server-Sent Events: one {@code log} event a line, a closing {@code end} event
 * that says why (the database stopped, the server shuts down), and a comment every
 * {@link #HEARTBEAT} that keeps idle connections open and finds clients that went away. At most
 * {@code limit} streams at once; the server's shutdown ends them all.
 */
final class LogStreams implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogStreams.class);
  static final String EVENT_STREAM = "text/event-stream";
  /** Below Jetty's 30 s idle timeout, so a quiet log never looks like a dead connection. */
  static final Duration HEARTBEAT = Duration.ofSeconds(10);

  private final int limit;
  private final Set<SseClient> open = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "stagdb-log-heartbeat");
    t.setDaemon(true);
    return t;
  });

  LogStreams(int limit) {
    this.limit = limit;
    heartbeat.scheduleWithFixedDelay(this::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Whether another stream may open now. */
  boolean full() {
    return open.size() >= limit;
  }

  int openStreams() {
    return open.size();
  }

  /**
   * Streams the log {@code follow} opens to the client of {@code ctx}, which asked for
   * {@code text/event-stream}. The response is committed (200) here; later failures end the
   * stream with an {@code end} event.
   */
  void stream(Context ctx, Function<LogFollower, LogFollower.Stream> follow) throws Exception {
    new SseHandler(client -> {
      client.keepAlive();
      open.add(client);
      AtomicReference<LogFollower.Stream> stream = new AtomicReference<>();
      client.onClose(() -> {
        open.remove(client);
        LogFollower.Stream s = stream.getAndSet(null);
        if (s != null) {
          s.close();
        }
      });
      try {
        stream.set(follow.apply(new Follower(client)));
      } catch (RuntimeException e) {
        LOG.warn("could not follow a log: {}", e.getMessage());
        send(client, "end", "could not follow the log: " + e.getMessage());
        client.close();
      }
      if (client.terminated()) {   // ended while it opened
        LogFollower.Stream s = stream.getAndSet(null);
        if (s != null) {
          s.close();
        }
      }
    }).handle(ctx);
  }

  /** Ends every open stream; for the server's shutdown. */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    for (SseClient client : open) {
      send(client, "end", "the server is shutting down");
      client.close();
    }
  }

  private void beat() {
    for (SseClient client : open) {
      synchronized (client) {
        client.sendComment("keep-alive");   // a client that went away is closed by this write
      }
    }
  }

  private static void send(SseClient client, String event, String data) {
    synchronized (client) {
      if (!client.terminated()) {
        client.sendEvent(event, data);
      }
    }
  }

  /** Hands the runtime's chunks to the client a line an event. */
  private static final class Follower implements LogFollower {
    private final SseClient client;
    private final StringBuilder partial = new StringBuilder();

    Follower(SseClient client) {
      this.client = client;
    }

    @Override
    public void text(String chunk) {
      synchronized (client) {
        partial.append(chunk);
        int newline;
        while ((newline = partial.indexOf("\n")) >= 0) {
          String line = partial.substring(0, newline);
          partial.delete(0, newline + 1);
          send(client, "log", line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        }
        if (client.terminated()) {
          throw new IllegalStateException("the client went away");
        }
      }
    }

    @Override
    public void end(String why) {
      synchronized (client) {
        if (partial.length() > 0) {
          send(client, "log", partial.toString());
          partial.setLength(0);
        }
        send(client, "end", why);
      }
      client.close();
    }
  }
}

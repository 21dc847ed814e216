package io.stagdb.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web console: static files only (HTML, ES modules, CSS from {@code io/stagdb/http/console/}),
 * served at {@code /} and {@code /console/...} without a key. It talks to the API with the key its
 * user enters; it sets no cookie, and a strict Content-Security-Policy allows only its own files
 * and requests to this server.
 */
final class Console {
  static final String CONTENT_SECURITY_POLICY = String.join("; ",
      "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
      "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'");
  private static final Pattern FILE = Pattern.compile("[a-z]+(/[a-z]+)*\\.(html|js|css)");
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8");

  private final Map<String, byte[]> files = new ConcurrentHashMap<>();

  void register(Javalin app) {
    app.get("/", ctx -> serve(ctx, "index.html"));
    app.get("/console/<file>", ctx -> serve(ctx, ctx.pathParam("file")));
  }

  private void serve(Context ctx, String file) {
    if (!FILE.matcher(file).matches()) {
      throw new NotFoundResponse("no console file " + file);
    }
    byte[] body = files.computeIfAbsent(file, Console::read);
    if (body.length == 0) {
      files.remove(file);
      throw new NotFoundResponse("no console file " + file);
    }
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .header("Cross-Origin-Opener-Policy", "same-origin")
        .header("Cache-Control", "no-cache")
        .contentType(TYPES.get(file.substring(file.lastIndexOf('.') + 1)))
        .result(body);
  }

  private static byte[] read(String file) {
    try (InputStream in = Console.class.getResourceAsStream("console/" + file)) {
      return in == null ? new byte[0] : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

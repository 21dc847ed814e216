package io.stagdb.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the console's files are served (its behaviour in a browser is {@code ConsoleIT}'s): without a
 * key, with a strict Content-Security-Policy and no cookie, every module the page imports present,
 * and nothing but the console's own files reachable.
 */
class ConsoleTest {
  @TempDir
  Path dir;
  ApiFixture f;

  @BeforeEach
  void start() throws Exception {
    f = new ApiFixture(dir);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void thePageIsServedWithoutAKeyUnderAStrictPolicyAndNoCookie() throws Exception {
    HttpResponse<String> page = f.raw("GET", "/", null, null, null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(type(page)).isEqualTo("text/html;charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(Console.CONTENT_SECURITY_POLICY);
    assertThat(Console.CONTENT_SECURITY_POLICY).contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().map()).doesNotContainKey("set-cookie");
    assertThat(page.body()).contains("<script type=\"module\" src=\"/console/app.js\">")
        .doesNotContainPattern("<script>|<script [^>]*>[^<]")   // no inline script: the policy would block it
        .doesNotContain("style=\"");
  }

  @Test
  void everyModuleThePageImportsIsServedAsJavaScript() throws Exception {
    Pattern imports = Pattern.compile("from \"\\./([a-z/.]+)\"|from \"\\.\\./([a-z/.]+)\"");
    java.util.Deque<String> todo = new java.util.ArrayDeque<>(java.util.List.of("app.js"));
    java.util.Set<String> seen = new java.util.HashSet<>();
    while (!todo.isEmpty()) {
      String file = todo.pop();
      if (!seen.add(file)) {
        continue;
      }
      HttpResponse<String> r = f.raw("GET", "/console/" + file, null, null, null);
      assertThat(r.statusCode()).as(file).isEqualTo(200);
      assertThat(type(r)).as(file).isEqualTo("text/javascript;charset=utf-8");
      String folder = file.contains("/") ? file.substring(0, file.lastIndexOf('/') + 1) : "";
      Matcher m = imports.matcher(r.body());
      while (m.find()) {
        todo.push(m.group(1) != null ? folder + m.group(1) : m.group(2));
      }
    }
    assertThat(seen).contains("app.js", "api.js", "dom.js", "views/lineage.js", "views/database.js", "views/create.js",
        "views/admin.js", "views/actions.js");
    assertThat(type(f.raw("GET", "/console/console.css", null, null, null))).isEqualTo("text/css;charset=utf-8");
  }

  @Test
  void onlyTheConsolesOwnFilesAreReachable() throws Exception {
    for (String path : new String[] {"/console/../openapi.json", "/console/%2e%2e/openapi.json", "/console/nope.js",
        "/console/app.class", "/console/Console.class", "/console/views/../../openapi.json"}) {
      HttpResponse<String> r = f.raw("GET", path, null, null, null);
      assertThat(r.statusCode()).as(path).isIn(400, 404);
      assertThat(r.body()).as(path).doesNotContain("\"openapi\"");
    }
  }

  private static String type(HttpResponse<String> r) {
    return r.headers().firstValue("Content-Type").orElse("").replace(" ", "").toLowerCase(java.util.Locale.ROOT);
  }
}

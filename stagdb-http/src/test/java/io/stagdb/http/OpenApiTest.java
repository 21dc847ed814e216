package io.stagdb.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API description: valid for a real OpenAPI parser, complete (ids, tags, descriptions,
 * servers, headers), and true: every answer the server really sends on a walk through every
 * route, successes and problems, matches the schema the document gives for it.
 */
class OpenApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DOCUMENT = "io/stagdb/http/openapi.json";

  @TempDir
  Path dir;
  ApiFixture f;
  JsonNode doc;
  final List<String> mismatches = new ArrayList<>();
  final Set<String> checked = new HashSet<>();
  final SchemaRegistry schemas = SchemaRegistry.withDialect(Dialects.getOpenApi30());

  @BeforeEach
  void start() throws Exception {
    f = new ApiFixture(dir);
    try (var in = OpenApiTest.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
      doc = JSON.readTree(in);
    }
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void aRealOpenApiParserAcceptsTheDocumentWithoutAMessage() throws Exception {
    String text = new String(OpenApiTest.class.getClassLoader().getResourceAsStream(DOCUMENT).readAllBytes(),
        StandardCharsets.UTF_8);
    SwaggerParseResult result = new OpenAPIParser().readContents(text, null, null);
    assertThat(result.getMessages()).isEmpty();
    assertThat(result.getOpenAPI()).isNotNull();
    assertThat(result.getOpenAPI().getPaths()).hasSize(doc.get("paths").size());
  }

  @Test
  void everyOperationHasAnIdATagADescriptionAndTheHeadersItAnswers() {
    assertThat(doc.get("servers")).isNotEmpty();
    Set<String> tags = new HashSet<>();
    doc.get("tags").forEach(t -> tags.add(t.get("name").asText()));
    Set<String> ids = new HashSet<>();
    doc.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(m -> {
      String where = m.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
      JsonNode op = m.getValue();
      assertThat(op.path("operationId").asText()).as(where + " operationId").isNotBlank();
      assertThat(ids.add(op.get("operationId").asText())).as(where + " operationId is unique").isTrue();
      assertThat(op.path("description").asText()).as(where + " description").isNotBlank();
      assertThat(op.get("tags")).as(where + " tags").isNotEmpty();
      op.get("tags").forEach(t -> assertThat(tags).as(where + " tag declared").contains(t.asText()));
      boolean secured = !op.has("security") || !op.get("security").isEmpty();
      op.get("responses").fields().forEachRemaining(r -> {
        JsonNode response = resolve(r.getValue());
        String code = r.getKey();
        if (code.equals("401")) {
          assertThat(response.path("headers").has("WWW-Authenticate")).as(where + " 401 WWW-Authenticate").isTrue();
        }
        if (code.equals("429")) {
          assertThat(response.path("headers").has("Retry-After")).as(where + " 429 Retry-After").isTrue();
        }
        if (secured && code.startsWith("2") && !path.getKey().equals("/metrics")) {
          assertThat(response.path("headers").has("RateLimit-Remaining")).as(where + " " + code + " RateLimit-*").isTrue();
        }
        if (code.equals("201") || code.equals("202") && !path.getKey().endsWith("/release")) {
          assertThat(response.path("headers").has("Location")).as(where + " " + code + " Location").isTrue();
        }
      });
    }));
    assertThat(doc.at("/components/schemas/CreateDatabase/properties/type/enum")).isNotEmpty();
    assertThat(doc.at("/components/schemas/CreateDatabase/properties/version/enum")).isNotEmpty();
  }

  @Test
  void everyAnswerOnAWalkThroughEveryRouteMatchesItsDocumentedSchema() throws Exception {
    String std = f.standardKey;
    String admin = f.adminKey;
    call("POST", "/v1/databases", "/v1/databases", std, """
        {"name": "my-app-db", "type": "postgresql", "version": "15", "config": {"memory": "1g", "cpu": 1.5,
         "extensions": ["pg_trgm"], "settings": {"work_mem": "16MB"}}}""", 201);
    call("POST", "/v1/databases?wait=false", "/v1/databases", std, """
        {"name": "later-db", "type": "pg"}""", 202);
    call("GET", "/v1/databases", "/v1/databases", std, null, 200);
    JsonNode db = call("GET", "/v1/databases/my-app-db", "/v1/databases/{name}", std, null, 200);
    assertThat(db.at("/resources/cpu").asText()).as("cpu given as a number").isEqualTo("1.5");
    assertThat(db.at("/extensions/0").asText()).isEqualTo("pg_trgm");
    assertThat(db.at("/settings/work_mem").asText()).isEqualTo("16MB");
    call("POST", "/v1/databases/my-app-db/snapshots", "/v1/databases/{name}/snapshots", std, "{\"name\": \"snap-1\"}", 201);
    call("GET", "/v1/databases/my-app-db/snapshots", "/v1/databases/{name}/snapshots", std, null, 200);
    call("GET", "/v1/snapshots", "/v1/snapshots", std, null, 200);
    call("POST", "/v1/snapshots/snap-1/branches", "/v1/snapshots/{name}/branches", std,
        "{\"name\": \"br-1\", \"ttl\": \"2h\", \"recyclable\": true}", 201);
    call("GET", "/v1/snapshots/snap-1", "/v1/snapshots/{name}", std, null, 200);
    call("POST", "/v1/databases/my-app-db/branches", "/v1/databases/{name}/branches", std, "{\"name\": \"br-2\"}", 201);
    call("POST", "/v1/databases/br-1/recycle", "/v1/databases/{name}/recycle", std, null, 200);
    call("POST", "/v1/databases/br-1/reset", "/v1/databases/{name}/reset", std, null, 200);
    call("POST", "/v1/databases/my-app-db/stop", "/v1/databases/{name}/stop", std, null, 200);
    call("POST", "/v1/databases/my-app-db/start", "/v1/databases/{name}/start", std, null, 200);
    call("POST", "/v1/databases/my-app-db/restart", "/v1/databases/{name}/restart", std, null, 200);
    call("GET", "/v1/databases/my-app-db/stats", "/v1/databases/{name}/stats", std, null, 200);
    JsonNode hook = call("POST", "/v1/webhooks", "/v1/webhooks", std,
        "{\"url\": \"https://hooks.example.com/stagdb\", \"events\": [\"database.created\"]}", 201);
    call("GET", "/v1/webhooks", "/v1/webhooks", std, null, 200);
    call("GET", "/v1/webhooks/" + hook.get("id").asText() + "/deliveries", "/v1/webhooks/{id}/deliveries", std, null, 200);
    JsonNode key = call("POST", "/v1/api-keys", "/v1/api-keys", admin, "{\"name\": \"ci\", \"scope\": \"metrics\"}", 201);
    call("GET", "/v1/api-keys", "/v1/api-keys", admin, null, 200);
    JsonNode offer = call("GET", "/v1/capabilities", "/v1/capabilities", std, null, 200);
    assertThat(offer.at("/resources/max/memory").asText()).isEqualTo("4g");
    call("GET", "/healthz", "/healthz", null, null, 200);

    // problems
    call("GET", "/v1/databases/nope", "/v1/databases/{name}", std, null, 404);
    call("POST", "/v1/databases", "/v1/databases", std, "{\"name\": \"x\", \"type\": \"oracle\"}", 400);
    call("POST", "/v1/databases", "/v1/databases", std, "{\"name\": \"my-app-db\", \"type\": \"pg\"}", 409);
    call("GET", "/v1/databases", "/v1/databases", null, null, 401);
    call("GET", "/v1/api-keys", "/v1/api-keys", std, null, 403);
    call("GET", "/v1/databases", "/v1/databases", key.get("key").asText(), null, 403);
    call("DELETE", "/v1/snapshots/snap-1", "/v1/snapshots/{name}", std, null, 409);

    call("POST", "/v1/databases/br-1/release", "/v1/databases/{name}/release", std, null, 202);
    call("DELETE", "/v1/databases/br-2", "/v1/databases/{name}", std, null, 202);
    call("DELETE", "/v1/webhooks/" + hook.get("id").asText(), "/v1/webhooks/{id}", std, null, 204);
    call("DELETE", "/v1/api-keys/" + key.get("id").asText(), "/v1/api-keys/{id}", admin, null, 204);

    assertThat(mismatches).as("answers that do not match the document").isEmpty();
    assertThat(checked).as("answers checked against a schema").hasSizeGreaterThan(25);
  }

  /** Sends a request, checks its status and its body against the document's schema for that answer. */
  private JsonNode call(String method, String uri, String template, String key, String body, int status) throws Exception {
    HttpResponse<String> r = f.raw(method, uri, key, body == null ? null : "application/json", body);
    assertThat(r.statusCode()).as(method + " " + uri + " -> " + r.body()).isEqualTo(status);
    JsonNode response = resolve(doc.path("paths").path(template).path(method.toLowerCase(Locale.ROOT)).path("responses")
        .path(Integer.toString(status)));
    assertThat(response.isMissingNode()).as(method + " " + template + " documents " + status).isFalse();
    if (r.body().isEmpty()) {
      assertThat(response.has("content")).as(method + " " + template + " " + status + " has no body").isFalse();
      checked.add(method + " " + template + " " + status);
      return null;
    }
    String type = r.headers().firstValue("Content-Type").orElse("").replaceAll(";.*", "");
    String pointer = pointerOf(response, type);
    assertThat(pointer).as(method + " " + template + " " + status + " documents " + type).isNotNull();
    Schema schema = schemas.getSchema(SchemaLocation.of("classpath:" + DOCUMENT + "#" + pointer));
    List<Error> errors = schema.validate(r.body(), InputFormat.JSON);
    if (!errors.isEmpty()) {
      mismatches.add(method + " " + uri + " " + status + ": " + errors + "\n  " + r.body());
    }
    checked.add(method + " " + template + " " + status);
    return JSON.readTree(r.body());
  }

  /** The JSON pointer of a response's schema for a content type (following a $ref to components). */
  private String pointerOf(JsonNode response, String contentType) {
    String base = response.has("$pointer") ? response.get("$pointer").asText() : null;
    JsonNode content = response.path("content").path(contentType);
    if (content.isMissingNode() || base == null) {
      return null;
    }
    return base + "/content/" + contentType.replace("~", "~0").replace("/", "~1") + "/schema";
  }

  /** A response object, a $ref followed; with "$pointer" set to where it lives in the document. */
  private JsonNode resolve(JsonNode response) {
    return resolve(response, null);
  }

  private JsonNode resolve(JsonNode response, String pointer) {
    if (response.has("$ref")) {
      String ref = response.get("$ref").asText().substring(1);
      return resolve(doc.at(ref), ref);
    }
    if (response.isObject()) {
      com.fasterxml.jackson.databind.node.ObjectNode copy = response.deepCopy();
      copy.put("$pointer", pointer != null ? pointer : pointerOfNode(response));
      return copy;
    }
    return response;
  }

  /** Where an (inline) response sits in the document, found by identity. */
  private String pointerOfNode(JsonNode target) {
    var paths = doc.get("paths").fields();
    while (paths.hasNext()) {
      var path = paths.next();
      var methods = path.getValue().fields();
      while (methods.hasNext()) {
        var m = methods.next();
        var responses = m.getValue().path("responses").fields();
        while (responses.hasNext()) {
          var r = responses.next();
          if (r.getValue() == target) {
            return "/paths/" + path.getKey().replace("~", "~0").replace("/", "~1") + "/" + m.getKey() + "/responses/"
                + r.getKey();
          }
        }
      }
    }
    return null;
  }
}

package io.stagdb.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

/** The one JSON configuration of the API: strict on input (unknown fields and wrong types are errors). */
public final class Json {
  private Json() {
  }

  public static ObjectMapper strictMapper() {
    ObjectMapper mapper = JsonMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .serializationInclusion(JsonInclude.Include.ALWAYS)
        .build();
    // ALLOW_COERCION_OF_SCALARS stops "5" becoming a number; this stops 5 becoming a string.
    mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return mapper;
  }

  /** A field that takes a JSON number as well as a string ({@code "cpu": 1.5} or {@code "cpu": "1.5"}), as its text. */
  public static final class NumberOrText extends com.fasterxml.jackson.databind.JsonDeserializer<String> {
    @Override
    public String deserialize(com.fasterxml.jackson.core.JsonParser p, com.fasterxml.jackson.databind.DeserializationContext c)
        throws java.io.IOException {
      return switch (p.currentToken()) {
        case VALUE_STRING -> p.getText();
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getDecimalValue().toPlainString();
        default -> (String) c.handleUnexpectedToken(String.class, p);
      };
    }
  }

  /** For the client: tolerant of fields a newer server adds. */
  public static ObjectMapper lenientMapper() {
    return JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  }
}

package dev.dockhand.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.InvalidInputException;
import dev.dockhand.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A request's JSON object, read under a size cap, with typed field reads that name the field at
 * fault. Wrong types are refused rather than coerced: {@code "maxTurns":"5"} is an error.
 */
final class JsonBody {
  private final JsonNode object;

  private JsonBody(JsonNode object) {
    this.object = object;
  }

  static JsonBody read(Context ctx, int maxBytes) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      throw ApiException.tooLarge(maxBytes);
    }
    byte[] bytes;
    // Chunked bodies declare no length: read one byte past the cap to know it was exceeded.
    try (InputStream in = ctx.req().getInputStream()) {
      bytes = in.readNBytes(maxBytes + 1);
    } catch (IOException e) {
      throw new InvalidInputException("body", "the body could not be read");
    }
    if (bytes.length > maxBytes) {
      throw ApiException.tooLarge(maxBytes);
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new InvalidInputException("body", "the body is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw new InvalidInputException("body", "the body must be a JSON object");
    }
    return new JsonBody(node);
  }

  String requiredText(String field) {
    return optionalText(field)
        .orElseThrow(() -> new InvalidInputException(field, field + " is required"));
  }

  Optional<String> optionalText(String field) {
    JsonNode value = present(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new InvalidInputException(field, field + " must be a string");
    }
    return Optional.of(value.asText());
  }

  Optional<Integer> optionalInt(String field) {
    JsonNode value = present(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new InvalidInputException(field, field + " must be a whole number");
    }
    return Optional.of(value.asInt());
  }

  Optional<Double> optionalNumber(String field) {
    JsonNode value = present(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
      throw new InvalidInputException(field, field + " must be a number");
    }
    return Optional.of(value.asDouble());
  }

  /** An array of strings; anything else (a lone string, a number inside) names the field. */
  Optional<List<String>> optionalStrings(String field) {
    JsonNode value = present(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isArray()) {
      throw new InvalidInputException(field, field + " must be an array of strings");
    }
    List<String> strings = new ArrayList<>(value.size());
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        throw new InvalidInputException(field, field + " must be an array of strings");
      }
      strings.add(item.asText());
    }
    return Optional.of(strings);
  }

  Optional<Boolean> optionalBoolean(String field) {
    JsonNode value = present(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isBoolean()) {
      throw new InvalidInputException(field, field + " must be true or false");
    }
    return Optional.of(value.asBoolean());
  }

  /** A JSON object, as it is; its members are the caller's to check. */
  Optional<JsonNode> optionalObject(String field) {
    JsonNode value = present(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isObject()) {
      throw new InvalidInputException(field, field + " must be an object");
    }
    return Optional.of(value);
  }

  /** The names of the fields the body holds, in order. */
  Stream<String> fieldNames() {
    return object.properties().stream().map(Map.Entry::getKey);
  }

  /** The field's value, or null when it is missing or JSON null (both mean "not given"). */
  private JsonNode present(String field) {
    JsonNode value = object.get(field);
    return value == null || value.isNull() ? null : value;
  }
}

package dev.dockhand.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API description lints clean, so generated clients get names and error types: it is valid
 * OpenAPI (read by swagger-parser), and every operation has a unique operationId and the error
 * answers the server's shared rules give it — {@code Authentication} before every /api/v1 route
 * (401 without a valid credential; 403 for a state change by a read-scope token or a cross-site
 * cookie request), the body limit and JSON reading for every body (413, 400).
 */
class OpenApiLintTest {
  private static final Pattern OPERATION_ID = Pattern.compile("[a-z][A-Za-z0-9]*");
  private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");
  private static SwaggerParseResult parsed;
  private static List<Described> operations;

  /** One operation, named "METHOD /path" in messages. */
  private record Described(String method, String path, Operation operation) {
    String name() {
      return method + " " + path;
    }

    Set<String> statuses() {
      return operation.getResponses().keySet();
    }

    boolean secured(OpenAPI api) {
      List<SecurityRequirement> security =
          operation.getSecurity() != null ? operation.getSecurity() : api.getSecurity();
      return security != null && !security.isEmpty();
    }

    List<Parameter> parameters() {
      return operation.getParameters() == null ? List.of() : operation.getParameters();
    }
  }

  @BeforeAll
  static void parse() throws IOException {
    try (InputStream in = OpsRoutes.class.getResourceAsStream(OpsRoutes.OPENAPI_RESOURCE)) {
      ParseOptions options = new ParseOptions();
      options.setValidateInternalRefs(true);
      parsed =
          new OpenAPIV3Parser()
              .readContents(new String(in.readAllBytes(), StandardCharsets.UTF_8), null, options);
    }
    operations = new ArrayList<>();
    for (Map.Entry<String, PathItem> path : parsed.getOpenAPI().getPaths().entrySet()) {
      path.getValue()
          .readOperationsMap()
          .forEach(
              (method, operation) ->
                  operations.add(new Described(method.name(), path.getKey(), operation)));
    }
  }

  @Test
  void theDescriptionIsValidOpenApiWithEveryReferenceResolved() {
    assertThat(parsed.getMessages()).isEmpty();
    assertThat(parsed.getOpenAPI().getOpenapi()).startsWith("3.1");
    assertThat(operations).hasSizeGreaterThan(20);
  }

  @Test
  void everyOperationHasAUniqueOperationIdThatGeneratedClientsCanUseAsAName() {
    for (Described described : operations) {
      assertThat(described.operation().getOperationId())
          .as(described.name())
          .isNotNull()
          .matches(OPERATION_ID);
    }
    assertThat(operations)
        .extracting(described -> described.operation().getOperationId())
        .doesNotHaveDuplicates();
  }

  @Test
  void everyOperationDocumentsASuccessAndTheErrorsItsCallerCanMeet() {
    OpenAPI api = parsed.getOpenAPI();
    for (Described described : operations) {
      String name = described.name();
      assertThat(described.statuses()).as(name).anyMatch(status -> status.matches("[123]\\d\\d"));
      boolean takesInput =
          described.secured(api)
              || !described.parameters().isEmpty()
              || described.operation().getRequestBody() != null;
      if (takesInput) {
        assertThat(described.statuses()).as(name).anyMatch(status -> status.startsWith("4"));
      }
      if (described.secured(api)) {
        assertThat(described.statuses()).as(name + ": no valid credential").contains("401");
      }
      if (described.path().startsWith("/api/v1/") && !described.method().equals("GET")) {
        assertThat(described.statuses())
            .as(name + ": a read-scope token, or a cross-site cookie request")
            .contains("403");
      }
      if (described.operation().getRequestBody() != null) {
        assertThat(described.statuses()).as(name + ": a bad or large body").contains("400", "413");
      }
    }
  }

  @Test
  void everyPathParameterIsDeclaredRequiredAndABadOneIsAnswered() {
    for (Described described : operations) {
      List<String> declared = new ArrayList<>();
      for (Parameter parameter : described.parameters()) {
        if ("path".equals(parameter.getIn())) {
          assertThat(parameter.getRequired()).as(described.name()).isTrue();
          declared.add(parameter.getName());
        }
      }
      List<String> inPath = new ArrayList<>();
      Matcher matcher = PATH_PARAMETER.matcher(described.path());
      while (matcher.find()) {
        inPath.add(matcher.group(1));
      }
      assertThat(declared).as(described.name()).containsExactlyInAnyOrderElementsOf(inPath);
      if (!inPath.isEmpty()) {
        assertThat(described.statuses()).as(described.name()).containsAnyOf("400", "404");
      }
    }
  }

  @Test
  void everyRefusalInJsonHasTheSharedErrorShape() {
    for (Described described : operations) {
      described
          .operation()
          .getResponses()
          .forEach(
              (status, response) -> {
                MediaType json =
                    response.getContent() == null
                        ? null
                        : response.getContent().get("application/json");
                if (status.startsWith("4") && json != null) {
                  assertThat(json.getSchema().get$ref())
                      .as(described.name() + " " + status)
                      .isEqualTo("#/components/schemas/Error");
                }
              });
    }
  }
}

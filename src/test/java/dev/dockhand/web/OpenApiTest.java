package dev.dockhand.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.events.EventKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenApiTest {
  private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

  @Test
  void theApiDescriptionListsExactlyTheRoutesTheServerRegisters() throws Exception {
    try (WebHarness harness = WebHarness.start()) {
      JsonNode document =
          WebHarness.json(harness.get("/api/v1/openapi.json", harness.adminToken()));
      assertThat(document.get("openapi").asText()).startsWith("3.1");
      List<String> described = new ArrayList<>();
      document
          .get("paths")
          .properties()
          .forEach(
              path ->
                  path.getValue()
                      .properties()
                      .forEach(
                          operation -> {
                            if (METHODS.contains(operation.getKey())) {
                              described.add(operation.getKey().toUpperCase() + " " + path.getKey());
                            }
                          }));
      assertThat(described).containsExactlyInAnyOrderElementsOf(harness.server().routes());
    }
  }

  @Test
  void theApiDescriptionNamesEveryEventKindAndTheHostsATaskMayAdd() throws Exception {
    try (WebHarness harness = WebHarness.start()) {
      JsonNode schemas =
          WebHarness.json(harness.get("/api/v1/openapi.json", harness.adminToken()))
              .get("components")
              .get("schemas");
      List<String> kinds = new ArrayList<>();
      schemas
          .get("Event")
          .get("properties")
          .get("kind")
          .get("enum")
          .forEach(kind -> kinds.add(kind.asText()));
      assertThat(kinds)
          .containsExactlyInAnyOrderElementsOf(
              Arrays.stream(EventKind.values()).map(EventKind::wire).toList());
      assertThat(schemas.get("NewTask").get("properties").get("egressAllow").get("type").asText())
          .isEqualTo("array");
      assertThat(schemas.get("Task").get("properties").has("egressAllow")).isTrue();
    }
  }
}

package dev.dockhand.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A person's environment settings per repository, over real HTTP. */
class EnvironmentApiTest {
  private static final String PATH = "/api/v1/repos/acme/widgets/environment";
  private WebHarness harness;

  @BeforeEach
  void start() throws Exception {
    harness = WebHarness.start();
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  private HttpResponse<String> put(String path, String token, String body) {
    return harness.send(
        harness
            .request(path, token)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private static JsonNode error(HttpResponse<String> response) {
    return WebHarness.json(response).path("error");
  }

  @Test
  void settingsAreSavedReadBackAndRemovedByAnEmptyPut() {
    WebHarness.Person ann = harness.person("ann");
    JsonNode nothing = WebHarness.json(harness.get(PATH, ann.token()));
    assertThat(nothing.path("saved").asBoolean()).isFalse();
    assertThat(nothing.path("repo").asText()).isEqualTo("acme/widgets");
    assertThat(nothing.path("setup").isNull()).isTrue();
    assertThat(nothing.path("defaultLockfiles").toString()).contains("package-lock.json");

    HttpResponse<String> saved =
        put(
            PATH,
            ann.token(),
            """
            {"setup":"  npm ci  ","maintenance":"npm run build","checks":"npm test",
             "env":{"NODE_ENV":"test","CI":"1"},"lockfiles":["package-lock.json"],
             "continueOnSetupFailure":true}
            """);
    assertThat(saved.statusCode()).isEqualTo(200);
    JsonNode read = WebHarness.json(harness.get(PATH, ann.token()));
    assertThat(read.path("saved").asBoolean()).isTrue();
    assertThat(read.path("setup").asText()).isEqualTo("npm ci");
    assertThat(read.path("maintenance").asText()).isEqualTo("npm run build");
    assertThat(read.path("checks").asText()).isEqualTo("npm test");
    assertThat(read.path("env").toString()).isEqualTo("{\"CI\":\"1\",\"NODE_ENV\":\"test\"}");
    assertThat(read.path("lockfiles").toString()).isEqualTo("[\"package-lock.json\"]");
    assertThat(read.path("continueOnSetupFailure").asBoolean()).isTrue();
    assertThat(read.path("updatedAt").asText()).isNotEmpty();
    // The same repository by its URL's case: one row.
    assertThat(
            WebHarness.json(harness.get("/api/v1/repos/Acme/Widgets/environment", ann.token()))
                .path("setup")
                .asText())
        .isEqualTo("npm ci");

    assertThat(put(PATH, ann.token(), "{}").statusCode()).isEqualTo(200);
    assertThat(WebHarness.json(harness.get(PATH, ann.token())).path("saved").asBoolean()).isFalse();
  }

  @Test
  void eachPersonSeesAndChangesOnlyTheirOwnSettings() {
    WebHarness.Person ann = harness.person("ann");
    WebHarness.Person bob = harness.person("bob");
    put(PATH, ann.token(), "{\"setup\":\"make deps\"}");
    assertThat(WebHarness.json(harness.get(PATH, bob.token())).path("saved").asBoolean()).isFalse();
    put(PATH, bob.token(), "{\"setup\":\"make other\"}");
    assertThat(WebHarness.json(harness.get(PATH, ann.token())).path("setup").asText())
        .isEqualTo("make deps");
  }

  @Test
  void badSettingsAreRefusedNamingTheFieldAndNothingIsStored() {
    WebHarness.Person ann = harness.person("ann");
    String[][] cases = {
      {"{\"setupCommand\":\"npm ci\"}", "setupCommand", "unknown field"},
      {"{\"setup\":42}", "setup", "must be a string"},
      {"{\"env\":{\"HTTPS_PROXY\":\"http://evil\"}}", "env", "set by the sandbox"},
      {"{\"env\":{\"1BAD\":\"x\"}}", "env", "must match"},
      {"{\"env\":{\"A\":1}}", "env", "must be a string"},
      {"{\"env\":[\"A=1\"]}", "env", "must be an object"},
      {"{\"lockfiles\":[\"../etc/passwd\"]}", "lockfiles", "must be a file name"},
      {"{\"continueOnSetupFailure\":\"yes\"}", "continueOnSetupFailure", "true or false"},
      {"{\"setup\":\"" + "x".repeat(17 * 1024) + "\"}", "setup", "longer than"},
    };
    for (String[] bad : cases) {
      HttpResponse<String> response = put(PATH, ann.token(), bad[0]);
      assertThat(response.statusCode()).as(bad[1]).isEqualTo(400);
      assertThat(error(response).path("field").asText()).isEqualTo(bad[1]);
      assertThat(error(response).path("message").asText()).contains(bad[2]);
    }
    assertThat(WebHarness.json(harness.get(PATH, ann.token())).path("saved").asBoolean()).isFalse();
  }

  @Test
  void aRepositoryOutsideTheAllowedHostsOrMalformedIsRefused() {
    WebHarness.Person ann = harness.person("ann");
    HttpResponse<String> dotted = harness.get("/api/v1/repos/acme/../environment", ann.token());
    assertThat(dotted.statusCode()).isIn(400, 404);
    HttpResponse<String> odd =
        harness.get("/api/v1/repos/acme/wid%20gets/environment", ann.token());
    assertThat(odd.statusCode()).isEqualTo(400);
    assertThat(error(odd).path("field").asText()).isEqualTo("repo");
  }

  @Test
  void aReadTokenMayReadButNotChangeSettings() {
    WebHarness.Person ann = harness.person("ann");
    String read =
        WebHarness.json(
                harness.post(
                    "/api/v1/tokens", ann.token(), "{\"name\":\"phone\",\"scope\":\"read\"}"))
            .path("token")
            .asText();
    assertThat(harness.get(PATH, read).statusCode()).isEqualTo(200);
    assertThat(put(PATH, read, "{\"setup\":\"npm ci\"}").statusCode()).isEqualTo(403);
    assertThat(harness.get(PATH, null).statusCode()).isEqualTo(401);
  }

  @Test
  void rebuildingWithoutACacheSaysSo() {
    WebHarness.Person ann = harness.person("ann");
    HttpResponse<String> rebuild = harness.post(PATH + "/rebuild", ann.token(), "");
    assertThat(rebuild.statusCode()).isEqualTo(409);
    assertThat(error(rebuild).path("message").asText()).contains("DOCKHAND_ENV_CACHE_MB");
  }
}

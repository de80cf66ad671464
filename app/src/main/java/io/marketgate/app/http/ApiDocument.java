package io.marketgate.app.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/openapi.yaml}: the OpenAPI 3 document of the HTTP API, read once from the jar.
 */
public final class ApiDocument {
  static final String RESOURCE = "api/openapi.yaml";
  static final List<ApiOperation> OPERATIONS = List.of(ApiOperation.get("/api/v1/openapi.yaml"));
  private static final ContentType YAML =
      MediaTypes.customWithFixedCharset(
              "application",
              "yaml",
              HttpCharsets.UTF_8,
              java.util.Map.of(),
              false,
              new String[] {"yaml"})
          .toContentType();

  private final HttpResponse response;

  public ApiDocument() {
    this.response = HttpResponse.create().withEntity(HttpEntities.create(YAML, read()));
  }

  public Route route() {
    return path(
        segment("api").slash("v1").slash("openapi.yaml"), () -> get(() -> complete(response)));
  }

  private static byte[] read() {
    try (InputStream in = ApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

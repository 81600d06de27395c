package dev.dockhand.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The Docker client for one engine address, and the translation of transport failures into {@link
 * SandboxException}. Thread-safe: docker-java's client and its connection pool are.
 */
final class DockerEngine implements AutoCloseable {
  private final String dockerHost;
  private final DockerClient client;

  DockerEngine(String dockerHost) {
    this.dockerHost = dockerHost;
    DefaultDockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
    // No response timeout: an exec's output stream may stay silent for as long as its own limit.
    ZerodepDockerHttpClient http =
        new ZerodepDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .sslConfig(config.getSSLConfig())
            .maxConnections(200)
            .connectionTimeout(Duration.ofSeconds(5))
            .build();
    this.client = DockerClientImpl.getInstance(config, http);
  }

  DockerClient client() {
    return client;
  }

  String dockerHost() {
    return dockerHost;
  }

  /**
   * Runs one engine call; an API error (404, 409, 500…) passes through for the caller to judge, a
   * transport failure becomes a retryable {@link SandboxException} naming the engine address.
   */
  <T> T call(Supplier<T> call) {
    try {
      return call.get();
    } catch (DockerException apiError) {
      throw apiError;
    } catch (RuntimeException error) {
      if (isTransportFailure(error)) {
        throw SandboxException.engineUnreachable(dockerHost, error);
      }
      throw error;
    }
  }

  void run(Runnable call) {
    call(
        () -> {
          call.run();
          return null;
        });
  }

  private static boolean isTransportFailure(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException || cause instanceof UncheckedIOException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException ignored) {
      // Closing idle pooled connections cannot fail in a way the caller could act on.
    }
  }
}

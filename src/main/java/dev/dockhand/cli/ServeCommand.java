package dev.dockhand.cli;

import dev.dockhand.app.Config;
import dev.dockhand.app.Node;
import dev.dockhand.config.ConfigException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

/** Starts the server: API, realtime streams, web app, queue dispatcher and sandbox reaper. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run the Dockhand server.",
      "Configuration comes from the environment (see the README), or a properties file named by"
          + " DOCKHAND_CONFIG_FILE."
    })
public final class ServeCommand implements Callable<Integer> {
  @Override
  public Integer call() throws InterruptedException {
    Config config = Config.load(System.getenv());
    if (config.agent().apiKey().isEmpty()) {
      throw new ConfigException("ANTHROPIC_API_KEY", "is required to run tasks");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Node node = Node.start(config, System.out);
    node.loginLink().ifPresent(link -> SignInLink.print(System.out, link, "for ten minutes"));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.close();
                  System.out.println("Dockhand stopped");
                  stopped.countDown();
                },
                "dockhand-shutdown"));
    stopped.await();
    return 0;
  }
}

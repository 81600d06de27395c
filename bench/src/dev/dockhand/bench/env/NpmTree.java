package dev.dockhand.bench.env;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A synthetic npm dependency tree: {@code count} packages, each depending on a few later ones, each
 * with a handful of source files, and a repository whose package.json needs the first twenty.
 */
final class NpmTree {
  private static final int TOP = 20;

  private NpmTree() {}

  static Map<String, String> publish(LocalNpmRegistry registry, int count) throws Exception {
    Random random = new Random(42);
    // Eight at a time: one publish costs verdaccio a quarter of a second, mostly waiting.
    try (ExecutorService publishers = Executors.newFixedThreadPool(8)) {
      List<Future<?>> published = new ArrayList<>();
      for (int i = count - 1; i >= 0; i--) {
        Map<String, String> dependencies = new LinkedHashMap<>();
        for (int edge = 0; edge < 3 && i + 1 < count; edge++) {
          int to = i + 1 + random.nextInt(Math.min(40, count - i - 1));
          dependencies.put(name(to), "1.0.0");
        }
        Map<String, String> files = new LinkedHashMap<>();
        for (int file = 0; file < 6; file++) {
          files.put("lib/part" + file + ".js", source(random, i, file));
        }
        files.put("index.js", "module.exports = require('./lib/part0.js');\n");
        String name = name(i);
        published.add(
            publishers.submit(
                () -> {
                  registry.publish(name, dependencies, files);
                  return null;
                }));
      }
      for (Future<?> done : published) {
        done.get();
      }
    }
    Map<String, String> top = new LinkedHashMap<>();
    for (int i = 0; i < Math.min(TOP, count); i++) {
      top.put(name(i), "1.0.0");
    }
    return top;
  }

  static Map<String, String> repository(Map<String, String> dependencies) {
    StringBuilder deps = new StringBuilder();
    dependencies.forEach(
        (name, version) ->
            deps.append(deps.isEmpty() ? "" : ",\n")
                .append("    \"")
                .append(name)
                .append("\": \"")
                .append(version)
                .append('"'));
    String packageJson =
        "{\n  \"name\": \"bench-app\",\n  \"version\": \"1.0.0\",\n  \"private\": true,\n"
            + "  \"dependencies\": {\n"
            + deps
            + "\n  }\n}\n";
    return Map.of(
        "package.json", packageJson, ".gitignore", "node_modules/\n", "README.md", "# App\n");
  }

  private static String name(int index) {
    return "dh-bench-" + index;
  }

  private static String source(Random random, int pkg, int file) {
    StringBuilder text = new StringBuilder("// package " + pkg + ", part " + file + "\n");
    for (int line = 0; line < 200; line++) {
      text.append("exports.f")
          .append(line)
          .append(" = (x) => x * ")
          .append(random.nextInt(1000))
          .append(";\n");
    }
    return text.toString();
  }
}

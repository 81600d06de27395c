package dev.dockhand.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * A jar that starts like {@code target/dockhand.jar} ({@code java -jar}) without the package phase:
 * its manifest holds the main class and entries that pom.xml gives the shaded jar, and a {@code
 * Class-Path} naming this test's class path instead of the classes shaded in.
 */
public final class ManifestJar {
  private static final String TRANSFORMER =
      "org.apache.maven.plugins.shade.resource.ManifestResourceTransformer";

  private ManifestJar() {}

  /** The main class and entries of the shaded jar's manifest, as pom.xml declares them. */
  public static Map<String, String> declared() throws Exception {
    Element transformer = transformer();
    Map<String, String> entries = new TreeMap<>();
    entries.put("Main-Class", child(transformer, "mainClass").getTextContent().strip());
    NodeList declared = child(transformer, "manifestEntries").getChildNodes();
    for (int i = 0; i < declared.getLength(); i++) {
      if (declared.item(i) instanceof Element entry) {
        entries.put(entry.getTagName(), entry.getTextContent().strip());
      }
    }
    return entries;
  }

  /** Writes the jar into {@code dir} and returns its path. */
  public static Path write(Path dir) throws Exception {
    Manifest manifest = new Manifest();
    Attributes attributes = manifest.getMainAttributes();
    attributes.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    declared().forEach((name, value) -> attributes.put(new Attributes.Name(name), value));
    attributes.put(
        Attributes.Name.CLASS_PATH,
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(entry -> Path.of(entry).toAbsolutePath().toUri().toString())
            .collect(Collectors.joining(" ")));
    Path jar = dir.resolve("dockhand.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      out.finish(); // the manifest is the whole jar
    }
    return jar;
  }

  private static Element transformer() throws Exception {
    NodeList transformers =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(Path.of("pom.xml").toFile())
            .getElementsByTagName("transformer");
    for (int i = 0; i < transformers.getLength(); i++) {
      Element transformer = (Element) transformers.item(i);
      if (transformer.getAttribute("implementation").equals(TRANSFORMER)) {
        return transformer;
      }
    }
    throw new IllegalStateException("pom.xml has no " + TRANSFORMER);
  }

  private static Element child(Element parent, String name) {
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && element.getTagName().equals(name)) {
        return element;
      }
    }
    throw new IllegalStateException("pom.xml's manifest transformer has no <" + name + ">");
  }
}

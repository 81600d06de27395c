package dev.dockhand;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The jar's entry point. It is compiled for Java 8 (its own compiler execution), so that an older
 * Java than Dockhand's can load it and be told in one line which Java is needed and which was
 * found, where loading {@code Main} itself would end in an {@code UnsupportedClassVersionError} and
 * its stack trace. On a Java new enough it hands over to {@code Main}, loaded by name so that no
 * class of the program proper is touched before the check.
 */
public final class RuntimeCheck {
  /** The Java release the rest of the program is compiled for. */
  static final int REQUIRED = 21;

  private RuntimeCheck() {}

  public static void main(String[] args) throws Throwable {
    int found = feature(System.getProperty("java.specification.version"));
    if (found < REQUIRED) {
      System.err.println(refusal(found, System.getProperty("java.home")));
      System.exit(1);
    }
    Method main = Class.forName("dev.dockhand.Main").getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** The feature release of a {@code java.specification.version}: "1.8" is 8, "17" is 17. */
  static int feature(String specificationVersion) {
    String version =
        specificationVersion.startsWith("1.")
            ? specificationVersion.substring(2)
            : specificationVersion;
    int end = 0;
    while (end < version.length() && Character.isDigit(version.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Integer.parseInt(version.substring(0, end));
  }

  static String refusal(int found, String javaHome) {
    return "dockhand: needs Java "
        + REQUIRED
        + " or newer, but was started by Java "
        + found
        + " ("
        + javaHome
        + "); run it with scripts/dockhand, which finds a Java "
        + REQUIRED
        + " or newer, or install one (the README's quick start says how)";
  }
}

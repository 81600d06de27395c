package dev.dockhand.bench.agent;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.create;
import static dev.dockhand.testkit.ScriptedTurn.insert;
import static dev.dockhand.testkit.ScriptedTurn.replace;
import static dev.dockhand.testkit.ScriptedTurn.reply;
import static dev.dockhand.testkit.ScriptedTurn.text;
import static dev.dockhand.testkit.ScriptedTurn.tools;
import static dev.dockhand.testkit.ScriptedTurn.view;

import dev.dockhand.testkit.ScriptedTurn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A small Python repository and a 20-turn session of a model improving it. */
final class BenchProject {
  static final String PROMPT =
      "Add input validation to add_item, add a remove_item function with a test, and document the"
          + " module's use in docs/USAGE.md.";

  private BenchProject() {}

  static void seed(Path workspace) throws IOException {
    Files.writeString(workspace.resolve("README.md"), README);
    Files.writeString(workspace.resolve("CLAUDE.md"), GUIDANCE);
    Files.writeString(workspace.resolve("inventory.py"), INVENTORY);
    Files.writeString(workspace.resolve("test_inventory.py"), TESTS);
  }

  /** Nineteen tool turns and a closing summary. */
  static List<ScriptedTurn> script() {
    return List.of(
        reply("I'll start with the project layout.", bash("cd /workspace && ls -la")),
        tools(view("/workspace/README.md")),
        tools(view("/workspace/inventory.py")),
        tools(view("/workspace/test_inventory.py")),
        tools(bash("python3 -m unittest -q 2>&1 | tail -5")),
        tools(bash("grep -n 'def ' inventory.py")),
        reply(
            "add_item accepts negative quantities; I'll reject them.",
            replace(
                "/workspace/inventory.py",
                "    def add_item(self, name, quantity):\n",
                "    def add_item(self, name, quantity):\n"
                    + "        if not name or quantity <= 0:\n"
                    + "            raise ValueError('name must be set and quantity positive')\n")),
        tools(bash("python3 -m unittest -q 2>&1 | tail -5")),
        tools(
            ScriptedTurn.call(
                "str_replace_based_edit_tool",
                Map.of(
                    "command",
                    "view",
                    "path",
                    "/workspace/inventory.py",
                    "view_range",
                    List.of(1, 30)))),
        tools(
            insert(
                "/workspace/inventory.py",
                14,
                "    def remove_item(self, name, quantity):\n"
                    + "        if self.items.get(name, 0) < quantity:\n"
                    + "            raise KeyError(name)\n"
                    + "        self.items[name] -= quantity\n\n")),
        tools(
            replace(
                "/workspace/test_inventory.py",
                "if __name__ == '__main__':",
                "class RemoveTest(unittest.TestCase):\n"
                    + "    def test_remove_lowers_the_count(self):\n"
                    + "        inv = Inventory()\n"
                    + "        inv.add_item('bolt', 5)\n"
                    + "        inv.remove_item('bolt', 2)\n"
                    + "        self.assertEqual(inv.count('bolt'), 3)\n\n\n"
                    + "if __name__ == '__main__':")),
        tools(bash("python3 -m unittest -v 2>&1 | tail -12")),
        tools(create("/workspace/docs/USAGE.md", USAGE)),
        tools(bash("wc -l *.py docs/*.md")),
        tools(
            replace(
                "/workspace/README.md",
                "## Development",
                "See docs/USAGE.md for examples.\n\n## Development")),
        tools(
            bash(
                "python3 -c 'import inventory; i = inventory.Inventory(); i.add_item(\"nut\", 3);"
                    + " print(i.count(\"nut\"))'")),
        tools(view("/workspace/docs/USAGE.md")),
        tools(bash("python3 -m unittest -v 2>&1 | tail -12")),
        tools(bash("ls -R /workspace | head -40")),
        text(
            "add_item now rejects empty names and non-positive quantities, remove_item lowers a"
                + " count (with a test), and docs/USAGE.md shows how to use the module."));
  }

  private static final String README =
      """
      # inventory

      A tiny in-memory stock keeper used by the warehouse scripts. It tracks how many of each
      item are on hand, and reports totals for the nightly export.

      ## Use

          from inventory import Inventory
          stock = Inventory()
          stock.add_item("bolt", 10)
          stock.count("bolt")  # 10

      ## Development

      Run the tests with `python3 -m unittest`. Keep the module free of third-party imports: the
      warehouse machines run a bare Python.
      """;

  private static final String GUIDANCE =
      """
      # Working on inventory

      - Python 3.11, standard library only. No third-party packages, ever: the warehouse
        machines are offline and run the interpreter that ships with the OS.
      - Every public method has a test in test_inventory.py. Tests use unittest, not pytest.
      - Run `python3 -m unittest -v` before you finish and make sure every test passes.
      - Errors: raise ValueError for bad input and KeyError for unknown items. Never print.
      - Style: four-space indents, snake_case, docstrings only where the name is not enough.
      - Quantities are whole numbers. Names are non-empty strings and are case-sensitive.
      - The nightly export calls `total()` and `items_below(threshold)`; do not change their
        signatures or return types, other teams parse the output.
      - Keep the module below 200 lines. If it grows past that, ask before splitting it.
      - Documentation lives in README.md (overview) and docs/ (guides). Update both when the
        public interface changes, with a short example for every new method.
      - Commit messages are written by the maintainers; just leave the working tree changed.
      - When unsure about behaviour, prefer the smallest change that keeps the export stable,
        and say what you assumed in your summary.
      - Performance is not a concern below 100 000 items; clarity is.
      - Never touch the `legacy/` directory if it appears; it is vendored from another team.
      - Line length 100. Imports sorted, one per line.
      - Public names are exported through `__all__`; update it when adding a public function.
      - Tests should read as sentences: test_remove_lowers_the_count, not test_remove_1.
      - The warehouse scripts call this module from cron at 02:00; a crash there pages the
        on-call engineer, so raise clear errors early rather than returning None.
      - Logging is not allowed in this module; the callers log.
      - Keep backwards compatibility: existing callers pass positional arguments.
      """;

  private static final String INVENTORY =
      """
      \"\"\"A tiny in-memory stock keeper.\"\"\"

      __all__ = ["Inventory"]


      class Inventory:
          def __init__(self):
              self.items = {}

          def add_item(self, name, quantity):
              self.items[name] = self.items.get(name, 0) + quantity

          def count(self, name):
              return self.items.get(name, 0)

          def total(self):
              return sum(self.items.values())

          def items_below(self, threshold):
              return sorted(name for name, count in self.items.items() if count < threshold)
      """;

  private static final String TESTS =
      """
      import unittest

      from inventory import Inventory


      class AddTest(unittest.TestCase):
          def test_add_counts_items(self):
              inv = Inventory()
              inv.add_item('bolt', 2)
              inv.add_item('bolt', 3)
              self.assertEqual(inv.count('bolt'), 5)

          def test_total_sums_every_item(self):
              inv = Inventory()
              inv.add_item('bolt', 2)
              inv.add_item('nut', 4)
              self.assertEqual(inv.total(), 6)

          def test_items_below_lists_scarce_items(self):
              inv = Inventory()
              inv.add_item('bolt', 2)
              inv.add_item('nut', 40)
              self.assertEqual(inv.items_below(10), ['bolt'])


      if __name__ == '__main__':
          unittest.main()
      """;

  private static final String USAGE =
      """
      # Using inventory

          from inventory import Inventory

          stock = Inventory()
          stock.add_item("bolt", 10)      # ValueError for an empty name or quantity <= 0
          stock.remove_item("bolt", 4)    # KeyError when fewer are on hand
          stock.count("bolt")             # 6
          stock.total()                   # 6
          stock.items_below(10)           # ["bolt"]
      """;
}

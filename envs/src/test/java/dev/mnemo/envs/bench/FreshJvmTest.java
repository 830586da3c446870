package dev.mnemo.envs.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link FreshJvm} starts a real child JVM ({@link Child}, on this test's class path) and returns the figures after
 * the tag; a child that exits with an error, or prints no tagged line, another number of figures than asked for or a
 * figure that is not a number, is an error that says so.
 */
class FreshJvmTest {

  /** The child: prints its arguments after noise lines; {@code exit=N} exits with N, {@code untagged} drops the tag. */
  public static final class Child {
    public static void main(String[] args) {
      System.out.println("some warm-up chatter");
      List<String> a = List.of(args);
      if (a.contains("untagged")) {
        System.out.println("1.5 2.5");
        return;
      }
      System.out.println("fresh-jvm-test-row " + String.join(" ", a));
      for (String s : a) {
        if (s.startsWith("exit=")) {
          System.exit(Integer.parseInt(s.substring(5)));
        }
      }
    }
  }

  @Test
  void returnsTheFiguresAfterTheTagFromAChildJvm() {
    String[] row = FreshJvm.row(Child.class, List.of("1.5", "-2", "3e3"), "fresh-jvm-test-row", "a test row");
    assertArrayEquals(new String[] {"1.5", "-2", "3e3"}, row);
    assertArrayEquals(new double[] {1.5, -2, 3000}, FreshJvm.numbers(row, "a test row"));
    assertArrayEquals(new double[] {1.5, -2, 3000}, FreshJvm.figures(Child.class, List.of("1.5", "-2", "3e3"),
        "fresh-jvm-test-row", "a test row", 3));
  }

  @Test
  void aChildThatFailsOrPrintsNoTaggedLineIsAnErrorShowingItsOutput() {
    IllegalStateException failed = assertThrows(IllegalStateException.class,
        () -> FreshJvm.row(Child.class, List.of("1", "exit=3"), "fresh-jvm-test-row", "a failing child"));
    assertTrue(failed.getMessage().contains("a failing child") && failed.getMessage().contains("exited with 3")
        && failed.getMessage().contains("some warm-up chatter"), failed.getMessage());
    IllegalStateException untagged = assertThrows(IllegalStateException.class,
        () -> FreshJvm.row(Child.class, List.of("untagged"), "fresh-jvm-test-row", "a silent child"));
    assertTrue(untagged.getMessage().contains("no 'fresh-jvm-test-row' line")
        && untagged.getMessage().contains("1.5 2.5"), untagged.getMessage());
    IllegalStateException tooFew = assertThrows(IllegalStateException.class,
        () -> FreshJvm.figures(Child.class, List.of("1", "2"), "fresh-jvm-test-row", "a short row", 3));
    assertTrue(tooFew.getMessage().contains("a short row printed 2 figures, not 3"), tooFew.getMessage());
    IllegalStateException notANumber = assertThrows(IllegalStateException.class,
        () -> FreshJvm.numbers(new String[] {"1", "fast"}, "a row"));
    assertTrue(notANumber.getMessage().contains("'fast'") && notANumber.getMessage().contains("figure 1"),
        notANumber.getMessage());
  }
}

package dev.mnemo.envs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.classic.CartPole;
import dev.mnemo.envs.classic.TMaze;
import dev.mnemo.envs.meta.MetaTrial;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EnvRegistryTest {

  private static String message(String id) {
    return assertThrows(IllegalArgumentException.class, () -> EnvRegistry.make(id),
        "expected '" + id + "' to be rejected").getMessage();
  }

  @Test
  void listsEveryPopgymTaskAtThreeLevelsAndTheOtherFamilies() {
    Set<String> ids = EnvRegistry.list().stream().map(EnvInfo::id).collect(Collectors.toSet());
    for (String task : List.of("RepeatFirst", "RepeatPrevious", "Autoencode", "CountRecall",
        "HigherLower", "MultiarmedBandit", "PositionOnlyCartPole", "VelocityOnlyCartPole",
        "NoisyPositionOnlyCartPole", "PositionOnlyPendulum")) {
      for (String level : List.of("Easy", "Medium", "Hard")) {
        assertTrue(ids.contains("popgym/" + task + "-" + level), "missing popgym/" + task + "-" + level);
      }
    }
    for (String id : List.of("cartpole", "cartpole/position-only", "cartpole/velocity-only",
        "cartpole/noisy-position-only", "pendulum/position-only", "tmaze", "bandit", "mdp")) {
      assertTrue(ids.contains(id), "missing " + id);
    }
    for (EnvInfo info : EnvRegistry.list()) {
      assertTrue(!info.description().isBlank(), info.id() + " needs a description");
    }
  }

  @Test
  void everyListedIdBuildsWithItsDefaultsSpelledOut() {
    for (EnvInfo info : EnvRegistry.list()) {
      Env plain = EnvRegistry.make(info.id());
      Env explicit = EnvRegistry.make(info.exampleId());
      assertEquals(plain.spec().obsSize(), explicit.spec().obsSize(), info.exampleId());
      assertEquals(plain.spec().numActions(), explicit.spec().numActions(), info.exampleId());
      assertEquals(plain.spec().maxEpisodeSteps(), explicit.spec().maxEpisodeSteps(), info.exampleId());
      assertEquals(info.id(), plain.spec().id(), "spec id is the id as given");
      assertEquals(plain.spec(), EnvRegistry.spec(info.id()), "spec(id) is the spec of make(id)");
    }
  }

  @Test
  void parametersReachTheEnvironment() {
    TMaze maze = assertInstanceOf(TMaze.class, EnvRegistry.make("tmaze?length=50"));
    assertEquals(50, maze.length());
    assertEquals(4 * 51, maze.spec().maxEpisodeSteps(), "auto maxSteps = 4 * (length + 1)");
    assertEquals(7, EnvRegistry.make("tmaze?length=50&maxSteps=7").spec().maxEpisodeSteps());

    Env bandit = EnvRegistry.make("bandit?arms=5&pulls=10");
    assertInstanceOf(MetaTrial.class, bandit);
    assertEquals(5, bandit.spec().numActions());
    assertEquals(1 + 5 + 2, bandit.spec().obsSize(), "obs + one-hot action + reward + done");
    assertEquals(10, bandit.spec().maxEpisodeSteps(), "a trial is 10 one-pull episodes");

    Env mdp = EnvRegistry.make("mdp");
    assertEquals(10 + 5 + 2, mdp.spec().obsSize());
    assertEquals(100, mdp.spec().maxEpisodeSteps(), "10 episodes of 10 steps");

    assertEquals(7, EnvRegistry.make("pendulum/position-only?torques=7").spec().numActions());
    assertEquals(321, EnvRegistry.make(" cartpole?maxSteps=321 ").spec().maxEpisodeSteps());
    assertInstanceOf(CartPole.class, EnvRegistry.make("cartpole/noisy-position-only?sigma=0.5"));
  }

  @Test
  void listingShowsEveryIdWithItsDefaults() {
    String listing = EnvRegistry.listing();
    assertEquals(EnvRegistry.list().size(), listing.lines().count(), "one line per id");
    assertTrue(listing.contains("tmaze?length=10&maxSteps=auto"), listing);
    assertTrue(listing.contains("bandit?arms=5&pulls=10"), listing);
    assertTrue(listing.lines().anyMatch(l -> l.startsWith("popgym/HigherLower-Hard ")), listing);
  }

  @Test
  void unknownIdIsRejectedWithTheValidIds() {
    String m = message("popgym/RepeatPrevious-Extreme");
    assertTrue(m.contains("unknown env id 'popgym/RepeatPrevious-Extreme'"), m);
    assertTrue(m.contains("popgym/RepeatPrevious-Medium") && m.contains("tmaze"), m);
    assertTrue(message("").contains("valid ids"), "empty id");
    assertThrows(IllegalArgumentException.class, () -> EnvRegistry.make(null));
  }

  @Test
  void unknownParameterIsRejectedWithTheValidParameters() {
    String m = message("tmaze?lenght=5");
    assertTrue(m.contains("unknown parameter 'lenght'"), m);
    assertTrue(m.contains("length (default 10)") && m.contains("maxSteps"), m);
    String p = message("popgym/RepeatFirst-Easy?decks=2");
    assertTrue(p.contains("unknown parameter 'decks'") && p.contains("(none)"), p);
  }

  @Test
  void badValuesAreRejectedNamingParameterAndValue() {
    String m = message("tmaze?length=0");
    assertTrue(m.contains("'length'") && m.contains("positive integer") && m.contains("'0'"), m);
    m = message("tmaze?length=abc");
    assertTrue(m.contains("'abc'"), m);
    m = message("cartpole/noisy-position-only?sigma=-1");
    assertTrue(m.contains("'sigma'") && m.contains("'-1'"), m);
    m = message("pendulum/position-only?torques=1");
    assertTrue(m.contains("'torques'") && m.contains(">= 2"), m);
    m = message("bandit?arms=5&arms=6");
    assertTrue(m.contains("given twice"), m);
    m = message("bandit?arms");
    assertTrue(m.contains("expected name=value"), m);
  }
}

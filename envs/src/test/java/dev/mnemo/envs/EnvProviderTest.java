package dev.mnemo.envs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mnemo.envs.classic.TMaze;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code scheme://} ids reach the provider registered in this module's test resources. */
class EnvProviderTest {

  /** Serves {@code echo://N}: a T-Maze of corridor length N whose spec id is the full id. */
  public static final class EchoProvider implements EnvProvider {
    @Override
    public String scheme() {
      return "echo";
    }

    @Override
    public Env make(String id) {
      return new TMaze(id, Integer.parseInt(id.substring("echo://".length())), 20);
    }

    @Override
    public EnvInfo info() {
      return new EnvInfo("echo://LENGTH", List.of(), "test provider: a T-Maze of the given length");
    }
  }

  @Test
  void schemeIdsAreMadeByTheirProviderWithTheFullId() {
    Env env = EnvRegistry.make(" echo://7 ");
    assertEquals("echo://7", env.spec().id(), "the provider sees the whole id, stripped");
    assertEquals(7, ((TMaze) env).length());
  }

  @Test
  void providersAreListedApartFromTheBuiltInIds() {
    assertEquals(List.of("echo://LENGTH"), EnvRegistry.providers().stream().map(EnvInfo::id).toList());
    assertTrue(EnvRegistry.list().stream().noneMatch(i -> i.id().contains("://")),
        "list() holds the built-in ids only");
  }

  @Test
  void unknownSchemeNamesTheInstalledOnesAndTheModuleToAdd() {
    String m = assertThrows(IllegalArgumentException.class,
        () -> EnvRegistry.make("gym-http://127.0.0.1:5000/CartPole-v1")).getMessage();
    assertTrue(m.contains("'gym-http://'") && m.contains("installed schemes: echo")
        && m.contains("mnemo-gym-http"), m);
  }
}

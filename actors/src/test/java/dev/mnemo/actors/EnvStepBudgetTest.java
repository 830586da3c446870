package dev.mnemo.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EnvStepBudgetTest {

  @Test
  void claimsSucceedWhileSomeIsLeftSoTheLastOvershootsByLessThanOneClaim() {
    EnvStepBudget b = new EnvStepBudget(10);
    assertTrue(b.claim(4));
    assertTrue(b.claim(4));
    assertFalse(b.spent().isDone());
    assertTrue(b.claim(4), "2 left: the claim succeeds and overshoots by 2");
    assertTrue(b.spent().isDone());
    assertFalse(b.claim(4), "nothing left");
    assertEquals(-2, b.left(), "a refused claim takes nothing");
    b.refund(4);
    assertTrue(b.claim(4), "refunded steps are claimed again");
    assertTrue(b.spent().isDone(), "a refund does not undo spent");
  }

  /** A resumed run's budget: the steps its checkpoint had taken count, so the total is the run's, not the leg's. */
  @Test
  void stepsAlreadyTakenCountAgainstTheBudget() {
    EnvStepBudget b = new EnvStepBudget(10, 6);
    assertEquals(4, b.left());
    assertTrue(b.claim(4));
    assertTrue(b.spent().isDone(), "6 taken before + 4 now = the budget");
    EnvStepBudget over = new EnvStepBudget(10, 12);
    assertTrue(over.spent().isDone(), "a run resumed past its budget takes no step");
    assertFalse(over.claim(1));
  }

  @Test
  void aZeroBudgetIsSpentAtOnce() {
    EnvStepBudget b = new EnvStepBudget(0);
    assertTrue(b.spent().isDone());
    assertFalse(b.claim(1));
  }

  @Test
  void concurrentClaimsTakeTheBudgetPlusLessThanOneClaimPerClaimer() throws Exception {
    int threads = 4;
    int n = 8;
    long total = 100_003;
    EnvStepBudget b = new EnvStepBudget(total);
    AtomicLong taken = new AtomicLong();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread th = new Thread(() -> {
        while (b.claim(n)) {
          taken.addAndGet(n);
        }
      });
      ts.add(th);
      th.start();
    }
    for (Thread th : ts) {
      th.join(10_000);
    }
    assertTrue(taken.get() >= total && taken.get() < total + n, "taken " + taken.get() + " of " + total);
    assertTrue(b.spent().isDone());
  }
}

package dev.mnemo.envs.popgym;

import dev.mnemo.envs.BaseEnv;
import dev.mnemo.envs.CopiesStepper;
import dev.mnemo.envs.Env;
import dev.mnemo.envs.EnvSpec;
import dev.mnemo.envs.Step;
import java.util.Arrays;

/**
 * POPGym CountRecall: each step deals a value card and a query card (from two independently shuffled
 * decks of {@code N = 52·decks} cards). The agent must answer how many value cards of the previous
 * query's kind have been dealt so far (including the one shown with that query). A right count pays
 * {@code +1/(N − 1)}, a wrong one {@code −1/(N − 1)}; episodes last {@code N − 1} steps, optimal
 * return 1. Cards are told apart by colour (Easy, 1 deck), suit (Medium, 2 decks) or rank (Hard,
 * 4 decks). Observation: {@code [value kind one-hot, query kind one-hot]}; actions: counts
 * {@code 0 .. N/kinds}.
 */
public final class CountRecall extends BaseEnv {
  /** How cards are told apart. */
  public enum Kind {
    COLORS(Deck.Face.COLOR), SUITS(Deck.Face.SUIT), RANKS(Deck.Face.RANK);

    final Deck.Face face;
    final int distinct;

    Kind(Deck.Face face) {
      this.face = face;
      this.distinct = face.distinct;
    }
  }

  private final Kind kind;
  /**
   * Two shoes of {@code shoeSize} cards in one array, value cards then query cards, as faces ({@link Deck}), dealt in
   * lockstep from {@code dealt}: a step reads two bytes one pointer away from the env instead of going through two
   * deck objects, which with 64 envs stepped in turn is a chain of cache misses per step.
   */
  private final byte[] shoes;
  private final int shoeSize;
  /** {@code kind.distinct}, read on every step without going through the enum. */
  private final int distinct;
  private int dealt;
  private final int[] counts;
  private final float scale;
  private int query;

  public CountRecall(Difficulty level) {
    this("popgym/CountRecall-" + level.label(), level.pick(1, 2, 4),
        switch (level) {
          case EASY -> Kind.COLORS;
          case MEDIUM -> Kind.SUITS;
          case HARD -> Kind.RANKS;
        });
  }

  public CountRecall(String id, int numDecks, Kind kind) {
    super(EnvSpec.flat(id, 2 * kind.distinct, Deck.DECK_SIZE * numDecks / kind.distinct + 1,
        Deck.DECK_SIZE * requirePositive("num_decks", numDecks) - 1));
    this.kind = kind;
    this.shoeSize = Deck.DECK_SIZE * numDecks;
    this.distinct = kind.distinct;
    this.shoes = new byte[2 * shoeSize];
    this.counts = new int[kind.distinct];
    this.scale = 1f / (shoeSize - 1);
  }

  /** The right answer for the next step: the count of the current query's kind. */
  public int correctAnswer() {
    return counts[query];
  }

  @Override
  protected void onReset(float[] obs) {
    // The value shoe's draws, then the query shoe's: the order two separately shuffled decks drew them in.
    kind.face.shuffleFresh(shoes, 0, shoeSize, rng);
    kind.face.shuffleFresh(shoes, shoeSize, shoeSize, rng);
    dealt = 0;
    Arrays.fill(counts, 0);
    dealAndShow(obs, 0);
  }

  @Override
  protected void onStep(int action, Step out) {
    onStepInto(action, out, out.obs, 0);
  }

  @Override
  protected void onStepInto(int action, Step out, float[] obs, int off) {
    int answer = counts[query];
    dealAndShow(obs, off);
    out.reward = matchReward(action, answer, scale);
    out.terminated = dealt == shoeSize;
  }

  /** A stepper for copies that are all CountRecalls of this one's decks and kind (else null: one by one). */
  @Override
  public CopiesStepper copiesStepper(Env[] copies) {
    CountRecall[] games = CopiesStepper.ofOneShape(copies, CountRecall.class,
        c -> c.kind == kind && c.shoeSize == shoeSize);
    return games == null ? null : new Copies(games);
  }


  /**
   * Steps many CountRecalls at once with {@link #onStepInto}'s rules (the same bits), the shoe size, kinds and
   * reward scale the copies share read once per call, and the observation rows written without the per-copy
   * {@link Step}.
   */
  private static final class Copies implements CopiesStepper {
    private final CountRecall[] games;

    Copies(CountRecall[] games) {
      this.games = games;
    }

    @Override
    public boolean stepAll(int[] actions, float[] obs, float[] rewards, boolean[] terminated,
        boolean[] truncated) {
      CountRecall[] gs = games;
      int n = gs.length;
      checkSteps(gs, actions);
      CountRecall shape = gs[0];
      int shoeSize = shape.shoeSize;
      float scale = shape.scale;
      int distinct = shape.distinct;
      int stride = 2 * distinct;
      // Every row's zeros in one fill, then the loop sets each row's two ones. Two one-hot loops per copy held
      // CountRecall-Medium's VectorEnv below one env (34-40M steps/s in most JVMs); so, 81-89M
      // (experiments/envs-bench/host-probe/ab-2026-12-06-countrecall-rows-medium.txt).
      Arrays.fill(obs, 0, n * stride, 0f);
      int anyDone = 0;
      for (int i = 0; i < n; i++) {
        CountRecall g = gs[i];
        int answer = g.counts[g.query];
        obs[stride * i + g.deal()] = 1f;
        obs[stride * i + distinct + g.query] = 1f;
        g.t++;
        rewards[i] = matchReward(actions[i], answer, scale);
        int end = ((g.dealt - shoeSize) >>> 31) ^ 1; // the shoes are empty
        terminated[i] = end != 0;
        truncated[i] = false;
        g.endStep(end != 0);
        anyDone |= end;
      }
      return anyDone != 0;
    }
  }

  private void dealAndShow(float[] obs, int off) {
    int value = deal();
    oneHot(obs, off, distinct, value);
    oneHot(obs, off + distinct, distinct, query);
  }

  /** Deals the next value card, counted, and the next query card ({@link #query}); returns the value card's face. */
  private int deal() {
    int value = shoes[dealt];
    query = shoes[shoeSize + dealt];
    dealt++;
    counts[value]++;
    return value;
  }
}

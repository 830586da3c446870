package dev.mnemo.envs.popgym;

import dev.mnemo.envs.BaseEnv;
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
    COLORS(Deck.COLORS), SUITS(Deck.SUITS), RANKS(Deck.RANKS);

    final int distinct;

    Kind(int distinct) {
      this.distinct = distinct;
    }

    int of(int card) {
      return switch (this) {
        case COLORS -> Deck.color(card);
        case SUITS -> Deck.suit(card);
        case RANKS -> Deck.rank(card);
      };
    }
  }

  private final Deck values;
  private final Deck queries;
  private final Kind kind;
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
    this.values = new Deck(numDecks);
    this.queries = new Deck(numDecks);
    this.kind = kind;
    this.counts = new int[kind.distinct];
    this.scale = 1f / (values.size() - 1);
  }

  /** The right answer for the next step: the count of the current query's kind. */
  public int correctAnswer() {
    return counts[query];
  }

  @Override
  protected void onReset(float[] obs) {
    values.shuffle(rng);
    queries.shuffle(rng);
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
    out.terminated = values.remaining() == 0;
  }

  private void dealAndShow(float[] obs, int off) {
    int value = kind.of(values.deal());
    query = kind.of(queries.deal());
    counts[value]++;
    oneHot(obs, off, kind.distinct, value);
    oneHot(obs, off + kind.distinct, kind.distinct, query);
  }
}
